/** How a failed hook is described: one HookError shape for functions and executables. */
import type { HookOp, HookState } from "./types.ts";
import { HookError } from "../errors.ts";

/** What a hook is called in messages: `"name" (global)`, `"name" (task db)`, or the executable's path. */
export interface HookLabel {
  /** The function name or the executable's path (HookError.hook). */
  readonly hook: string;
  /** As shown in messages. */
  readonly label: string;
}

export function hookFailed(
  who: HookLabel,
  op: HookOp,
  state: HookState,
  what: string,
  extra: { exitStatus?: number | null; cause?: unknown } = {},
): HookError {
  const sep = what.includes("\n") ? ":\n" : ": "; // a framed explanation starts on its own line
  return new HookError(`hook ${who.label} failed at ${op} ${state}${sep}${what}`, who.hook, op, state, extra.exitStatus, {
    cause: extra.cause,
  });
}

/** The message of anything thrown. */
export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
