/** Resolved backup tasks built directly (the loader is tested on its own), and a RunContext to run them in. */
import type { ResolvedBackendParam, ResolvedBackupTask, ResolvedExec, ResolvedGroup, ResolvedHookFn, ResolvedHooks } from "../../src/config/resolved.ts";
import type { RunContext } from "../../src/run/context.ts";
import { noHooks, resolvedConfig, runContext, type LogLine } from "./context.ts";

export function hooksWith(state: keyof ResolvedHooks["backup"], run: ResolvedHookFn["run"]): ResolvedHooks {
  const h = noHooks();
  (h.backup[state] as ResolvedHookFn[]).push({ name: `test-${state}`, source: "task t", run });
  return h;
}

export function localfs(root: string, over: Partial<Extract<ResolvedBackendParam, { type: "localfs" }>> = {}): ResolvedBackendParam {
  return { type: "localfs", root, dmode: 0o750, fmode: 0o640, nbCopyLimit: null, rootSizeLimit: null, ...over };
}

export interface ObjSpec {
  path: string;
  pipeline: ResolvedExec[];
  group?: string;
  allocSize?: bigint;
}

/** Backup task "t" of `objects` (group "default" added when missing). */
export function task(backend: ResolvedBackendParam, objects: ObjSpec[], groups: ResolvedGroup[] = [], hooks = noHooks()): ResolvedBackupTask {
  const all = groups.some((g) => g.id === "default") ? groups : [{ id: "default", depends: [] }, ...groups];
  return {
    type: "backup", id: "t", backend, groups: all, hooks,
    objects: objects.map((o) => ({ path: o.path, pipeline: o.pipeline, group: o.group ?? "default", allocSize: o.allocSize })),
  };
}

/** A quiet RunContext for task `t` (4 workers unless told), and what its logger recorded. */
export function backupContext(t: ResolvedBackupTask, opts: { workers?: number; signal?: AbortSignal } = {}): { ctx: RunContext; lines: LogLine[] } {
  const ctx = runContext(resolvedConfig([t], { workers: opts.workers ?? 4, verbosity: 0 }), { signal: opts.signal });
  return { ctx, lines: ctx.lines };
}
