import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ResolvedBackendParam, ResolvedBackupTask, ResolvedConfig, ResolvedExec, ResolvedGroup, ResolvedHooks, ResolvedHookFn } from "../../../src/config/resolved.ts";
import type { RunContext } from "../../../src/run/context.ts";
import { createConsola } from "consola";

const _state = () => ({ pre: [], inspect: [], post: [], error: [], finally: [] });
export const noHooks = (): ResolvedHooks => ({ backup: _state(), restore: _state() });

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

export function task(backend: ResolvedBackendParam, objects: ObjSpec[], groups: ResolvedGroup[] = [], hooks = noHooks()): ResolvedBackupTask {
  const all = groups.some((g) => g.id === "default") ? groups : [{ id: "default", depends: [] }, ...groups];
  return {
    type: "backup", id: "t", backend, groups: all, hooks,
    objects: objects.map((o) => ({ path: o.path, pipeline: o.pipeline, group: o.group ?? "default", allocSize: o.allocSize })),
  };
}

/** A quiet logger that records what it was told. */
export function recordingLog() {
  const lines: { type: string; text: string }[] = [];
  const log = createConsola({ level: 5, reporters: [{ log: (o) => void lines.push({ type: o.type, text: o.args.map(String).join(" ") }) }] });
  return { log, lines };
}

export function runContext(t: ResolvedBackupTask, opts: { workers?: number; signal?: AbortSignal } = {}) {
  const { log, lines } = recordingLog();
  const config: ResolvedConfig = {
    sources: [], workers: opts.workers ?? 4, verbosity: 0,
    execs: new Map(), tasks: new Map([[t.id, t]]), hooks: noHooks(),
    hooksDir: join(tmpdir(), "palhm-no-such-hooks-dir"),
  };
  const ctx: RunContext = { config, log, verbosity: 0, signal: opts.signal ?? new AbortController().signal };
  return { ctx, lines };
}

export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `palhm-${tag}-`));
}
