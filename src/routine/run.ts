/**
 * Running a routine task: its steps one after another; the first failure
 * stops it. Exec steps run as single programs, task steps run another task to
 * completion, `sigmask` changes the run's signal mask, function steps get a
 * StepContext.
 */
import type { ResolvedRoutineTask, ResolvedStep } from "../config/resolved.ts";
import type { RunContext } from "../run/context.ts";
import { PalhmError, TaskError } from "../errors.ts";
import { runExec } from "../exec/spawn.ts";
import { applySigmask, protectExec } from "./sigmask.ts";
import { stepLabel } from "./plan.ts";
import { runTask } from "../run/task.ts";
import type { StepContext } from "./types.ts";

/** One step that ran, for `--json` and the summary. */
export interface StepRecord {
  readonly index: number;
  readonly kind: ResolvedStep["kind"];
  /** The step as a shell-like line, e.g. `zstd -T0`, `task backup`, `sigmask block SIGTERM`, `fn checkDisk`. */
  readonly step: string;
  readonly durationMs: number;
  /** What a task step's task reported. */
  readonly result?: unknown;
}

export interface RoutineResult {
  readonly task: string;
  readonly type: "routine";
  readonly steps: readonly StepRecord[];
  readonly durationMs: number;
}

/**
 * Runs `task`'s steps in order. Steps done are appended to `done` as they
 * finish (so a caller still has them when a later step fails).
 */
export async function runRoutine(
  task: ResolvedRoutineTask,
  ctx: RunContext,
  done: StepRecord[] = [],
): Promise<RoutineResult> {
  const t0 = performance.now();
  for (const [index, step] of task.steps.entries()) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    const label = stepLabel(step);
    const where = `task ${task.id}, steps[${index}]`;
    ctx.log.debug(`${where}: ${label}`);
    const s0 = performance.now();
    let result: unknown;
    switch (step.kind) {
      case "exec":
        await runExec(protectExec(step.exec, ctx), { signal: ctx.signal, verbosity: ctx.verbosity, label: where });
        break;
      case "task":
        result = await runTask(step.task, ctx);
        break;
      case "sigmask":
        applySigmask(step.param, ctx);
        break;
      case "fn":
        await _runFn(step, index, task.id, ctx);
        break;
      default:
        throw new Error(`${where}: unknown step kind ${(step as { kind: unknown }).kind}`);
    }
    done.push({ index, kind: step.kind, step: label, durationMs: Math.round(performance.now() - s0), ...(result === undefined ? {} : { result }) });
  }
  return { task: task.id, type: "routine", steps: done, durationMs: Math.round(performance.now() - t0) };
}

async function _runFn(step: Extract<ResolvedStep, { kind: "fn" }>, index: number, taskId: string, ctx: RunContext): Promise<void> {
  const { $ } = await import("zx");
  const stepCtx: StepContext = {
    taskId,
    log: ctx.log.withTag(step.name || `steps[${index}]`),
    // Each command in its own process group, so cancelling stops the whole of `a | b`, not just its shell.
    $: $({ quiet: ctx.verbosity < 3, verbose: ctx.verbosity >= 4, signal: ctx.signal, detached: true }),
    signal: ctx.signal,
    verbosity: ctx.verbosity,
  };
  try {
    await step.fn(stepCtx);
  } catch (e) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    const pos = `steps[${index}]`;
    const name = step.name && step.name !== pos ? `${step.name} (${pos})` : pos;
    const why = e instanceof Error ? e.message : String(e);
    if (e instanceof PalhmError && !(e instanceof TaskError)) throw e;
    throw new TaskError(`task ${taskId}: function step ${name} failed: ${why}`, { cause: e });
  }
}
