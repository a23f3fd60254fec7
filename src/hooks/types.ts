import type { Logger } from "../log.ts";
import type { Shell } from "zx";

export type HookOp = "backup" | "restore";
export type HookState = "pre" | "inspect" | "post" | "error" | "finally";

/** What a hook function receives. */
export interface HookContext {
  readonly op: HookOp;
  readonly state: HookState;
  readonly taskId: string;
  /** The copy's prefix, once known (backup: after `pre`; restore: the copy being restored). */
  readonly prefix?: string;
  /** Where the copy is, e.g. `/var/backup/2022-...` or `s3://bucket/root/2022-...`. */
  readonly location?: string;
  readonly log: Logger;
  /** zx's `$`, quiet or verbose per palhm's verbosity, cancelled with `signal`. */
  readonly $: Shell;
  /** For `error` (and `finally` after a failure): why the operation failed. */
  readonly error?: unknown;
  /** Fires on interruption (SIGINT/SIGTERM) or when the hook's timeout expires. */
  readonly signal: AbortSignal;
  /** The environment hooks run in (what `$` and hooks.d executables inherit), e.g. `ctx.env.NTPSERVER`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The hook's timeout in seconds, if one is set. */
  readonly timeout?: number;
}

/** Hook function: runs at one state of an operation. Throwing fails it. */
export type HookFn = (ctx: HookContext) => unknown | Promise<unknown>;

/** One hook function as configured, named for messages. */
export interface ResolvedHookFn {
  readonly name: string;
  /** Where it was defined: "global" or "task NAME". */
  readonly source: string;
  readonly run: HookFn;
  /** Seconds. */
  readonly timeout?: number;
}

/** Every hook function of a scope (global, or one task), by operation and state. */
export type ResolvedHooks = {
  readonly [O in HookOp]: { readonly [S in HookState]: readonly ResolvedHookFn[] };
};
