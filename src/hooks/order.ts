/**
 * The order hooks run in within one state of an operation.
 *
 *   pre, inspect:          global TS hooks → hooks.d executables → task TS hooks
 *   post, error, finally:  task TS hooks → hooks.d executables → global TS hooks
 *
 * Setting up goes from the most general to the most specific, tearing down
 * the reverse, like nested scopes: a task's cleanup (restart the service it
 * stopped) runs before the global one (unmount the snapshot the global `pre`
 * made). hooks.d sits between them because it is host-wide like the global
 * hooks but lives outside the config. Within each of the three groups the
 * order never changes: TS hooks as listed in the config, executables in name
 * order (TKLBAM users number their scripts `10-…`, `20-…` for that).
 */
import type { HookState } from "./types.ts";

/** True for states that tear down: post, error, finally. */
export function isTeardown(state: HookState): boolean {
  return state === "post" || state === "error" || state === "finally";
}

/** The three groups of one state, concatenated in the order they run. */
export function hookOrder<T>(state: HookState, global: readonly T[], hooksDir: readonly T[], task: readonly T[]): T[] {
  return isTeardown(state) ? [...task, ...hooksDir, ...global] : [...global, ...hooksDir, ...task];
}
