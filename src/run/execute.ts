/**
 * `palhm run` once the config is loaded: pick the task, print the plan or run
 * it under signal handling, report the result. Throws PalhmErrors; the CLI
 * turns them into a paragraph on stderr and the exit status.
 */
import type { ResolvedConfig } from "../config/resolved.ts";
import { PalhmError } from "../errors.ts";
import { log as defaultLog, type Logger } from "../log.ts";
import type { RunContext } from "./context.ts";
import { installInterrupts } from "./interrupt.ts";
import { describePlan } from "./plan.ts";
import { getTask, runTask, type TaskResult } from "./task.ts";
import type { StepRecord } from "../routine/run.ts";

export interface RunOptions {
  /** @default "default" */
  readonly task?: string;
  readonly dryRun?: boolean;
  readonly json?: boolean;
  readonly log?: Logger;
  /** Where the plan and JSON go. @default process.stdout */
  readonly write?: (text: string) => void;
}

function _json(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2) + "\n";
}

function _seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 0)}s`;
}

export async function executeRun(config: ResolvedConfig, options: RunOptions = {}): Promise<number> {
  const id = options.task ?? "default";
  const log = options.log ?? defaultLog;
  const write = options.write ?? ((t: string) => void process.stdout.write(t));
  const task = getTask(id, { config });

  if (options.dryRun) {
    const plan = await describePlan(id, config);
    write(options.json ? _json({ task: id, type: task.type, dryRun: true, plan: plan.split("\n") }) : plan + "\n");
    return 0;
  }

  const interrupts = installInterrupts({ log });
  const ctx: RunContext = { config, log, verbosity: config.verbosity, signal: interrupts.signal, interrupts };
  const steps: StepRecord[] = [];
  const t0 = performance.now();
  try {
    const result: TaskResult = await runTask(id, ctx, steps);
    if (options.json) write(_json({ ok: true, ...result }));
    log.success(`task ${id} done in ${_seconds(performance.now() - t0)}`);
    return 0;
  } catch (e) {
    // A terminal's Ctrl-C reaches the children too: one may die of it before palhm's own handler
    // has run. Let pending signal handlers run before judging.
    await new Promise((r) => setImmediate(r));
    // Once interrupted, whatever a runner threw while stopping is a consequence: the interrupt is the cause.
    const error = interrupts.signal.aborted ? interrupts.signal.reason : e;
    if (options.json) {
      const code = error instanceof PalhmError ? error.code : "EINTERNAL";
      const message = error instanceof Error ? error.message : String(error);
      write(_json({ ok: false, task: id, type: task.type, error: { code, message }, ...(task.type === "routine" ? { steps } : {}) }));
    }
    throw error;
  } finally {
    interrupts.dispose();
  }
}
