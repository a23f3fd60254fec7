/** Hooks, global and per task, normalised to one list of named functions per operation and state. */
import type { HookOp, HookState, ResolvedHookFn, ResolvedHooks } from "./resolved.ts";
import type { CheckedHooks } from "./schema.ts";
import type { HookEntry, HookFn } from "./types.ts";

export const HOOK_OPS: readonly HookOp[] = ["backup", "restore"];
export const HOOK_STATES: readonly HookState[] = ["pre", "inspect", "post", "error", "finally"];

function _entry(e: HookEntry, source: string, op: HookOp, state: HookState, i: number): ResolvedHookFn {
  const fallback = `${op}.${state}[${i}]`;
  if (typeof e === "function") return { name: e.name || fallback, source, run: e };
  return {
    name: e.name ?? (e.run.name || fallback),
    source,
    run: e.run as HookFn,
    ...(e.timeout === undefined ? {} : { timeout: e.timeout }),
  };
}

/** Resolves hook declarations, in order; `source` is "global" or "task NAME". */
export function resolveHooks(list: readonly CheckedHooks[], source: string): ResolvedHooks {
  const out = {} as Record<HookOp, Record<HookState, ResolvedHookFn[]>>;
  for (const op of HOOK_OPS) {
    out[op] = { pre: [], inspect: [], post: [], error: [], finally: [] };
    for (const hooks of list) {
      for (const state of HOOK_STATES) {
        const decl = hooks[op]?.[state];
        if (decl === undefined) continue;
        const entries = (Array.isArray(decl) ? decl : [decl]) as HookEntry[];
        for (const e of entries) out[op][state].push(_entry(e, source, op, state, out[op][state].length));
      }
    }
  }
  return out;
}

export const NO_HOOKS: ResolvedHooks = resolveHooks([], "global");
