/**
 * Runs one TypeScript hook function with its `ctx`.
 *
 * The hook's `ctx.signal` fires when its timeout expires or when the run is
 * interrupted; zx's `ctx.$` is bound to it, so commands the hook started are
 * killed then. palhm does not wait for a hook that ignores its signal: the
 * hook fails at once ("timed out after Ns", or the interruption).
 */
import { $ } from "zx";
import type { HookContext, HookOp, HookState, ResolvedHookFn } from "./types.ts";
import type { Logger } from "../log.ts";
import { hookFailed, messageOf } from "./failure.ts";

export interface HookFnRun {
  readonly hook: ResolvedHookFn;
  readonly op: HookOp;
  readonly state: HookState;
  readonly taskId: string;
  readonly prefix?: string;
  readonly location?: string;
  readonly error?: unknown;
  readonly log: Logger;
  readonly verbosity: number;
  /** The environment `ctx.$` gives its commands. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Interruption; absent for hooks that must run to the end (error, finally). */
  readonly signal?: AbortSignal;
}

class _TimedOut extends Error {}

/** Resolves when the hook returns; throws HookError (or the interruption's reason). */
export async function runHookFn(run: HookFnRun): Promise<void> {
  const { hook, op, state } = run;
  const who = { hook: hook.name, label: `"${hook.name}" (${hook.source})` };
  if (run.signal?.aborted) throw run.signal.reason;

  const ac = new AbortController();
  const onAbort = () => ac.abort(run.signal!.reason);
  run.signal?.addEventListener("abort", onAbort, { once: true });
  const timer = hook.timeout !== undefined ? setTimeout(() => ac.abort(new _TimedOut()), hook.timeout * 1000) : undefined;
  const stopped = new Promise<never>((_, reject) => {
    ac.signal.addEventListener("abort", () => reject(ac.signal.reason), { once: true });
  });

  const ctx: HookContext = {
    op,
    state,
    taskId: run.taskId,
    prefix: run.prefix,
    location: run.location,
    error: run.error,
    log: run.log.withTag(hook.name),
    $: $({
      quiet: run.verbosity < 1,
      verbose: run.verbosity >= 3,
      env: { ...run.env },
      signal: ac.signal,
    }),
    signal: ac.signal,
    env: run.env,
    timeout: hook.timeout,
  };
  try {
    const done = Promise.resolve().then(() => hook.run(ctx));
    done.catch(() => {}); // a hook abandoned at its timeout may still fail later
    await Promise.race([done, stopped]);
  } catch (e) {
    if (e instanceof _TimedOut) throw hookFailed(who, op, state, `timed out after ${hook.timeout}s`);
    if (run.signal?.aborted && e === run.signal.reason) throw e;
    throw hookFailed(who, op, state, messageOf(e), { cause: e });
  } finally {
    clearTimeout(timer);
    run.signal?.removeEventListener("abort", onAbort);
  }
}
