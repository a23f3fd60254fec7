/**
 * Runs hooks (TypeScript functions and hooks.d executables) at one state of
 * an operation. OWNED BY THE HOOKS WORK (issue 4): this first version runs
 * TS functions only; its exported API is what the backup and restore runners call.
 */
import type { ResolvedHooks, HookOp, HookState } from "../config/resolved.ts";
import type { Logger } from "../log.ts";
import { HookError } from "../errors.ts";
import { $ } from "zx";

export interface HookRunnerOptions {
  readonly op: HookOp;
  readonly taskId: string;
  readonly global: ResolvedHooks;
  readonly task: ResolvedHooks;
  readonly hooksDir: string;
  readonly log: Logger;
  readonly verbosity: number;
  /** The run's cancellation (SIGINT/SIGTERM). */
  readonly signal: AbortSignal;
}

/** Facts a hook sees beyond op/state/task; filled in as the operation goes. */
export interface HookFacts {
  prefix?: string;
  location?: string;
  error?: unknown;
}

export class HookRunner {
  constructor(readonly options: HookRunnerOptions) {}

  /** Checks the hooks directory (ownership, modes) before anything runs; throws HookError naming a refused entry. */
  async prepare(): Promise<void> {}

  /** Runs every hook of `state`, in order; throws HookError at the first failure. */
  async run(state: HookState, facts: HookFacts): Promise<void> {
    const { op, global, task } = this.options;
    const fns = state === "pre" ? [...global[op][state], ...task[op][state]] : [...task[op][state], ...global[op][state]];
    for (const h of fns) {
      try {
        await h.run({
          op, state, taskId: this.options.taskId, ...facts,
          log: this.options.log, $: $({ quiet: true }), signal: this.options.signal, timeout: h.timeout,
        });
      } catch (e) {
        throw new HookError(`hook ${h.name} (${h.source}) failed at ${op} ${state}: ${(e as Error)?.message ?? e}`, h.name, op, state, undefined, { cause: e });
      }
    }
  }
}
