/**
 * Moves verified files from the stage into the `--to` directory. Either every
 * file lands or none does: on a failure the files already moved are taken
 * back out, files they replaced (`--force`) are put back, and directories
 * created for them are removed.
 */
import { lstat, mkdir, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { SelectionError } from "./errors.ts";
import type { Stage } from "./stage.ts";

async function _exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    (e) => (e.code === "ENOENT" ? false : Promise.reject(e)),
  );
}

/** Paths (relative to `dir`) that already exist there. */
export async function existingTargets(dir: string, paths: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const p of paths) if (await _exists(join(dir, p))) found.push(p);
  return found;
}

export function refuseOverwrite(dir: string, existing: readonly string[]): void {
  if (!existing.length) return;
  const list = existing.slice(0, 5).join(", ") + (existing.length > 5 ? `, and ${existing.length - 5} more` : "");
  throw new SelectionError(`${dir} already holds ${list}: refusing to overwrite (use --force to replace)`);
}

export async function placeFiles(stage: Stage, dir: string, paths: readonly string[], force: boolean): Promise<void> {
  const placed: string[] = [];
  const replaced = new Map<string, string>();
  const createdDirs: string[] = [];
  try {
    for (const p of paths) {
      const target = join(dir, p);
      const first = await mkdir(dirname(target), { recursive: true, mode: 0o750 });
      if (first) createdDirs.push(first);
      if (await _exists(target)) {
        if (!force) refuseOverwrite(dir, [p]);
        const aside = join(stage.dir, ".replaced", p);
        await mkdir(dirname(aside), { recursive: true });
        await rename(target, aside);
        replaced.set(target, aside);
      }
      await rename(stage.pathOf(p), target);
      placed.push(target);
    }
  } catch (e) {
    for (const target of placed.reverse()) await rm(target, { force: true, recursive: true });
    for (const [target, aside] of replaced) await rename(aside, target);
    for (const d of createdDirs.reverse()) await rm(d, { recursive: true, force: true });
    throw e;
  }
}
