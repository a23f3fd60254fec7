/**
 * Running a task by id: the one entry point for `palhm run` and for routine
 * steps that refer to a task. Takes the task's lock, dispatches on its type.
 */
import type { ResolvedBackendParam, ResolvedTask } from "../config/resolved.ts";
import { ConfigError, TaskError } from "../errors.ts";
import { descriptorOf } from "../backends/registry.ts";
import type { BackupResult, RunContext } from "./context.ts";
import { acquireLock } from "./lock.ts";
import { runRoutine, type RoutineResult, type StepRecord } from "../routine/run.ts";
import { observeRun } from "../monitor/observe.ts";
import type { ReplicateResult } from "../replicate/run.ts";

export type TaskResult = BackupResult | RoutineResult | ReplicateResult;

/** Tasks being run in this call chain, to refuse a routine that refers back to itself. */
const RUNNING = Symbol("palhm.running");
type Chained = RunContext & { readonly [RUNNING]?: readonly string[] };

export function getTask(id: string, ctx: Pick<RunContext, "config">): ResolvedTask {
  const task = ctx.config.tasks.get(id);
  if (!task) {
    const known = [...ctx.config.tasks.keys()].join(", ") || "none";
    throw new ConfigError(`unknown task "${id}" (known: ${known})`);
  }
  return task;
}

/** Identifies a backend root for locking, without opening the backend. */
export function backendLockKey(param: ResolvedBackendParam): string {
  return descriptorOf(param).lockKey(param);
}

/** The run lock's key for `task`, and how messages name it. Restore takes the same lock, so rotation never removes the copy it reads. */
export function taskLockKey(task: ResolvedTask): { key: string; what: string } {
  if (task.type === "routine") return { key: `routine\0${task.id}`, what: `task "${task.id}"` };
  // A replicate task's copies are locked as a backup task's are: its list, verify and restore take the same lock.
  const root = backendLockKey(task.type === "replicate" ? task.to : task.backend);
  return { key: `backup\0${task.id}\0${root}`, what: `task "${task.id}" on ${root}` };
}

/**
 * Runs task `id` to completion under its lock. `steps`, for a routine, receives
 * the steps as they finish (still there when a later one fails).
 */
export async function runTask(id: string, ctx: RunContext, steps?: StepRecord[]): Promise<TaskResult> {
  const task = getTask(id, ctx);
  const chain = (ctx as Chained)[RUNNING] ?? [];
  if (chain.includes(id)) throw new TaskError(`task ${id} refers back to itself: ${[...chain, id].join(" → ")}`);
  const { key, what } = taskLockKey(task);
  const lock = acquireLock(key, what, ctx.log);
  const inner: Chained = { ...ctx, [RUNNING]: [...chain, id] };
  try {
    return await observeRun(task, ctx, chain.length === 0, async (): Promise<TaskResult> => {
      if (task.type === "routine") return await runRoutine(task, inner, steps);
      if (task.type === "replicate") {
        const { runReplicate } = await import("../replicate/run.ts");
        return await runReplicate(task, inner);
      }
      const { runBackup } = await import("../backup/run.ts");
      return await runBackup(task, inner);
    });
  } finally {
    lock.release();
  }
}
