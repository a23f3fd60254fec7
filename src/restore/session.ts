/**
 * What list, verify and restore share: the backup task named on the command
 * line, its opened backend, and a RunContext whose signal fires on
 * SIGINT/SIGTERM. `close()` releases the backend and the signal handlers.
 */
import type { Copies } from "../copies/copies.ts";
import type { ResolvedBackupTask, ResolvedConfig } from "../config/resolved.ts";
import { SelectionError } from "./errors.ts";
import { log } from "../log.ts";
import { installInterrupts } from "../run/interrupt.ts";
import type { RunContext } from "../run/context.ts";
import { acquireLock, type Lock } from "../run/lock.ts";
import { taskLockKey } from "../run/task.ts";

export interface TaskSession {
  readonly ctx: RunContext;
  readonly task: ResolvedBackupTask;
  readonly copies: Copies;
  close(): Promise<void>;
}

/**
 * The backup task `id`, or a usage error naming the tasks with copies. A
 * replicate task is seen as its source task (objects, restore pipelines,
 * hooks) over its own destination: its replicas list, verify and restore
 * as the source's copies do.
 */
export function backupTask(config: ResolvedConfig, id: string): ResolvedBackupTask {
  const task = config.tasks.get(id);
  if (task?.type === "backup") return task;
  const from = task?.type === "replicate" ? config.tasks.get(task.from) : undefined;
  if (task?.type === "replicate" && from?.type === "backup") return { ...from, id: task.id, backend: task.to, backends: undefined, require: undefined };
  const known = [...config.tasks.values()].filter((t) => t.type !== "routine").map((t) => t.id);
  const what = task ? `"${id}" is a ${task.type} task, not a backup or replicate task` : `no task "${id}"`;
  throw new SelectionError(`${what} (tasks with copies: ${known.join(", ") || "none"})`);
}

export interface SessionOptions {
  /**
   * Hold the task's run lock for the session (restore): a backup of the same
   * task and root cannot run, so its rotation cannot remove the copy being read.
   * @default false
   */
  readonly lock?: boolean;
}

export async function openTaskSession(config: ResolvedConfig, taskId: string, options: SessionOptions = {}): Promise<TaskSession> {
  const task = backupTask(config, taskId);
  let lock: Lock | undefined;
  if (options.lock) {
    const { key, what } = taskLockKey(task);
    lock = acquireLock(key, what, log);
  }
  const interrupts = installInterrupts({ log });
  const ctx: RunContext = { config, log, verbosity: config.verbosity, signal: interrupts.signal };
  try {
    const { openCopies } = await import("../copies/open.ts");
    const copies = await openCopies(task.backend, { taskId, log, signal: interrupts.signal });
    return {
      ctx,
      task,
      copies,
      async close() {
        try {
          await copies.close();
        } finally {
          interrupts.dispose();
          lock?.release();
        }
      },
    };
  } catch (e) {
    interrupts.dispose();
    lock?.release();
    throw e;
  }
}

/** The run's abort reason (an InterruptedError, exit 130/143) in place of the error an interruption caused. */
export function interruptedOr(ctx: RunContext, error: unknown): unknown {
  return ctx.signal.aborted ? ctx.signal.reason : error;
}
