/**
 * Runs the hooks of one operation (a backup or a restore of one task) at
 * each of its states: the config's global and task TypeScript hooks and the
 * hooks.d executables, in the order of ./order.ts.
 *
 * - `prepare()` judges the hooks directory before anything runs (see
 *   ./hooks-dir.ts); `run()` prepares on first use if the caller did not.
 *   The set of executables is fixed then, for the whole operation; each is
 *   opened and checked again right before it runs (a file replaced since
 *   then is refused: the state fails, and the replacement never runs).
 * - `pre`, `inspect`, `post`: the first failure stops the state and is thrown.
 * - `error`, `finally`: every hook runs even if an earlier one failed (each
 *   cleans up something else), and they are not cancelled by an interruption
 *   of the run, which is usually why they run; only their own timeout stops
 *   them. Failures are thrown together once all have run.
 *
 * What a hooks.d executable sees: arguments `OP STATE`; environment
 * `PALHM_OP`, `PALHM_STATE`, `PALHM_TASK`, and when known `PALHM_PREFIX`,
 * `PALHM_LOCATION`, and `PALHM_ERROR` (the failure's message, at `error` and
 * at `finally` after a failure).
 */
import type { HookOp, HookState, ResolvedHookFn, ResolvedHooks } from "./types.ts";
import type { Logger } from "../log.ts";
import { HookError } from "../errors.ts";
import { runHookExecutable } from "./exec.ts";
import { messageOf } from "./failure.ts";
import { runHookFn } from "./fn.ts";
import { checkHooksDir, openHook, RefusedHookPath, type HookFile } from "./hooks-dir.ts";
import { closeSync } from "node:fs";
import { hookOrder } from "./order.ts";

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
  /** Seconds a hooks.d executable may run before it is stopped and fails. @default no limit (as TKLBAM) */
  readonly execTimeout?: number;
  /** The environment hooks inherit (hooks.d executables, commands of `ctx.$`). @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Facts a hook sees beyond op/state/task; filled in as the operation goes. */
export interface HookFacts {
  prefix?: string;
  location?: string;
  error?: unknown;
}

type _Hook = { readonly kind: "fn"; readonly fn: ResolvedHookFn } | { readonly kind: "exe"; readonly file: HookFile };

export class HookRunner {
  #executables?: Promise<readonly HookFile[]>;

  constructor(readonly options: HookRunnerOptions) {}

  /** Checks the hooks directory (ownership, modes) before anything runs; throws HookError naming a refused entry. */
  prepare(): Promise<void> {
    this.#executables ??= checkHooksDir(this.options.hooksDir).catch((e) => {
      this.#executables = undefined;
      throw this.#refusal(e);
    });
    return this.#executables.then(() => {});
  }

  /** Runs every hook of `state`, in order; throws HookError at the first failure (error/finally: after all ran). */
  async run(state: HookState, facts: HookFacts): Promise<void> {
    await this.prepare();
    const { op, global, task } = this.options;
    const hooks = hookOrder<_Hook>(
      state,
      global[op][state].map((fn) => ({ kind: "fn", fn })),
      (await this.#executables!).map((file) => ({ kind: "exe", file })),
      task[op][state].map((fn) => ({ kind: "fn", fn })),
    );
    const cleanup = state === "error" || state === "finally";
    const failures: HookError[] = [];
    for (const hook of hooks) {
      try {
        await this.#runOne(hook, state, facts, cleanup ? undefined : this.options.signal);
      } catch (e) {
        if (!cleanup || !(e instanceof HookError)) throw e;
        failures.push(e);
      }
    }
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) {
      throw new HookError(
        `${failures.length} hooks failed at ${op} ${state}: ${failures.map((f) => f.message).join("; ")}`,
        failures.map((f) => f.hook).join(", "),
        op,
        state,
        undefined,
        { cause: new AggregateError(failures) },
      );
    }
  }

  async #runOne(hook: _Hook, state: HookState, facts: HookFacts, signal: AbortSignal | undefined): Promise<void> {
    const { op, taskId, log, verbosity } = this.options;
    const env = this.options.env ?? process.env;
    if (hook.kind === "fn") {
      log.debug(`hook "${hook.fn.name}" (${hook.fn.source}) at ${op} ${state}`);
      await runHookFn({ hook: hook.fn, op, state, taskId, ...facts, log, verbosity, env, signal });
      return;
    }
    const { path } = hook.file;
    log.debug(`hook ${path} at ${op} ${state}`);
    let fd: number;
    try {
      fd = openHook(hook.file);
    } catch (e) {
      throw this.#refusal(e, state);
    }
    try {
      await runHookExecutable({
        path,
        fd,
        op,
        state,
        env: _hookEnv(env, op, state, taskId, facts),
        verbosity,
        signal,
        timeout: this.options.execTimeout,
      });
    } finally {
      closeSync(fd);
    }
  }

  #refusal(e: unknown, state: HookState | "prepare" = "prepare"): unknown {
    const { op } = this.options;
    if (e instanceof RefusedHookPath) {
      const hint = /\(mode \d+\)/.test(e.reason) ? "; fix its owner or mode, or move it out of the hooks directory" : "";
      return new HookError(`${e.message}${hint}`, e.path, op, state);
    }
    return new HookError(
      `cannot read the hooks directory ${this.options.hooksDir}: ${messageOf(e)}`,
      this.options.hooksDir,
      op,
      state,
      undefined,
      { cause: e },
    );
  }
}

function _hookEnv(
  base: Readonly<Record<string, string | undefined>>,
  op: HookOp,
  state: HookState,
  taskId: string,
  facts: HookFacts,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  for (const k of ["PALHM_PREFIX", "PALHM_LOCATION", "PALHM_ERROR"]) delete env[k];
  env.PALHM_OP = op;
  env.PALHM_STATE = state;
  env.PALHM_TASK = taskId;
  if (facts.prefix !== undefined) env.PALHM_PREFIX = facts.prefix;
  if (facts.location !== undefined) env.PALHM_LOCATION = facts.location;
  if (facts.error !== undefined && (state === "error" || state === "finally")) env.PALHM_ERROR = messageOf(facts.error);
  return env;
}
