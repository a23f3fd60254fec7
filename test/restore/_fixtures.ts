/**
 * Test data for list/verify/restore: copies laid out on disk as a localfs
 * backend stores them (ROOT/PREFIX/PATH, the mark, the manifest with real
 * SHA-256s), and resolved tasks built directly.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { createHash } from "node:crypto";
import { MANIFEST_NAME, MARK_NAME } from "../../src/copies/names.ts";
import { encodeManifest } from "../../src/backup/manifest.ts";
import type { ResolvedBackupTask, ResolvedExec, ResolvedHookFn, ResolvedHooks, ResolvedObject } from "../../src/config/resolved.ts";
import type { HookState } from "../../src/hooks/types.ts";
import { ex, resolvedConfig, runContext as context } from "../_support/context.ts";

export const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** Writes a copy of task `task` as the localfs backend lays it out. */
export async function makeCopy(
  root: string,
  prefix: string,
  objects: Record<string, Uint8Array>,
  state: "complete" | "incomplete" | "legacy" = "complete",
  task = "t",
): Promise<string> {
  const dir = join(root, prefix);
  await mkdir(dir, { recursive: true });
  for (const [path, bytes] of Object.entries(objects)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), bytes);
  }
  if (state === "incomplete") await writeFile(join(dir, MARK_NAME), "");
  if (state === "complete") {
    const manifest = encodeManifest({
      format: 1, task, host: "test", prefix, start: "2022-05-01T06:59:17Z", end: "2022-05-01T06:59:18Z", version: "test",
      objects: Object.entries(objects).map(([path, b]) => ({ path, size: b.byteLength, sha256: sha256(b) })),
    });
    await writeFile(join(dir, MANIFEST_NAME), manifest);
  }
  return dir;
}

/** Runs `sh -c SCRIPT` and returns its stdout (test data made by the real tar/zstd). */
export async function sh(script: string): Promise<Uint8Array> {
  const p = Bun.spawn(["sh", "-c", script], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(p.stdout).bytes(), new Response(p.stderr).text(), p.exited]);
  if (code !== 0) throw new Error(`sh -c ${script}: exit ${code}: ${err}`);
  return out;
}

export const exec = (...argv: string[]): ResolvedExec => ex(argv);

export function obj(path: string, restore?: ResolvedExec[], group = "default"): ResolvedObject {
  return { path, group, pipeline: [exec("true")], ...(restore ? { restore } : {}) };
}

const STATES: HookState[] = ["pre", "inspect", "post", "error", "finally"];

/** Restore hooks that append `STATE` (and the copy prefix) to `calls`; `fail` makes that state's hook throw. */
export function recordingHooks(calls: string[], fail?: HookState): ResolvedHooks {
  const none = Object.fromEntries(STATES.map((s) => [s, []])) as unknown as ResolvedHooks["backup"];
  const restore = Object.fromEntries(
    STATES.map((s): [HookState, ResolvedHookFn[]] => [
      s,
      [{
        name: `record-${s}`, source: "task t",
        run: (ctx) => {
          calls.push(`${ctx.op} ${ctx.state}`);
          if (s === fail) throw new Error(`${s} hook refuses`);
        },
      }],
    ]),
  ) as unknown as ResolvedHooks["restore"];
  return { backup: none, restore };
}

export function localTask(root: string, objects: ResolvedObject[], hooks: ResolvedHooks = recordingHooks([])): ResolvedBackupTask {
  return {
    type: "backup", id: "t",
    backend: { type: "localfs", root, dmode: 0o750, fmode: 0o640, nbCopyLimit: null, rootSizeLimit: null },
    groups: [{ id: "default", depends: [] }],
    objects, hooks,
  };
}

export function runContext(task: ResolvedBackupTask, signal = new AbortController().signal): ReturnType<typeof context> {
  return context(resolvedConfig([task], { hooks: recordingHooks([]) }), { signal });
}
