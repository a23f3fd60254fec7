/**
 * `palhm run` once the config is loaded: pick the task, print the plan or run
 * it under signal handling, report the result. Throws PalhmErrors; the CLI
 * turns them into a paragraph on stderr and the exit status.
 */
import type { ResolvedConfig } from "../config/resolved.ts";
import { log as defaultLog, type Logger } from "../log.ts";
import { backupSummary, failedRunJson, jsonWritten, replicateSummary, toJson } from "../ui/report.ts";
import type { RunContext, RunReport } from "./context.ts";
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
    write(options.json ? toJson({ task: id, type: task.type, dryRun: true, plan: plan.split("\n") }) : plan + "\n");
    return 0;
  }

  const interrupts = installInterrupts({ log });
  const report: RunReport = { objects: [] };
  const ctx: RunContext = { config, log, verbosity: config.verbosity, signal: interrupts.signal, interrupts, json: options.json, report };
  const steps: StepRecord[] = [];
  const t0 = performance.now();
  try {
    const result: TaskResult = await runTask(id, ctx, steps);
    // `copy` as a failed run's document has it, so a reader finds the prefix in one place either way.
    const copy = "prefix" in result ? { copy: { prefix: result.prefix, location: result.location, kept: true } } : {};
    if (options.json) write(toJson({ ok: true, type: task.type, ...result, ...copy, hookFailures: [] }));
    if ("prefix" in result) log.success(backupSummary(result));
    else if ("from" in result) log.success(replicateSummary(result));
    else log.success(`task ${id} done in ${_seconds(performance.now() - t0)}`);
    return 0;
  } catch (e) {
    // A terminal's Ctrl-C reaches the children too: one may die of it before palhm's own handler
    // has run. Let pending signal handlers run before judging.
    await new Promise((r) => setImmediate(r));
    // Once interrupted, whatever a runner threw while stopping is a consequence: the interrupt is the cause.
    const error = interrupts.signal.aborted ? interrupts.signal.reason : e;
    if (options.json) {
      // A run that kept something before failing (a replication, a fan-out under require "any") says what it kept.
      const replicated = error && typeof error === "object" && "result" in error ? { result: error.result } : {};
      write(toJson({ ...failedRunJson(id, task.type, error, task.type === "backup" ? report : undefined), ...(task.type === "routine" ? { steps } : {}), ...replicated }));
      jsonWritten(error);
    }
    throw error;
  } finally {
    interrupts.dispose();
  }
}
