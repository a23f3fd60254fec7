/**
 * File-system steps of the localfs backend that must not be tricked by
 * symlinks: nothing is created, opened or removed through a link planted
 * inside the backend root, so an object path can never escape its copy.
 */
import { closeSync, constants, fchmodSync, fsyncSync, lstatSync, mkdirSync, chmodSync, openSync, type Stats } from "node:fs";
import { join } from "node:path";
import { BackendError } from "../../errors.ts";

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_RDONLY, O_DIRECTORY } = constants;

export function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

/** Splits an object path into segments, refusing any that would leave the copy. */
export function segmentsOf(path: string): string[] {
  const segs = path.split("/");
  if (path.startsWith("/") || segs.some((s) => s === "" || s === "." || s === "..")) {
    throw new BackendError(`object path "${path}" must stay inside the copy (no leading "/", no empty, "." or ".." segments)`);
  }
  return segs;
}

/** Creates (or accepts) the real directories `base/seg1/seg2/...`, each new one with `mode`, refusing links. */
export function mkdirsInside(base: string, segs: readonly string[], mode: number): string {
  let dir = base;
  for (const seg of segs) {
    dir = join(dir, seg);
    const st = lstatOrNull(dir);
    if (st === null) {
      mkdirSync(dir, { mode });
      chmodSync(dir, mode);
    } else if (!st.isDirectory()) {
      throw new BackendError(`${dir} exists and is not a directory (symlinks are not followed)`);
    }
  }
  return dir;
}

/** Creates `base` and any missing parents, new ones with `mode` (the root may itself be a link the user made). */
export function mkdirsRoot(root: string, mode: number): void {
  const missing: string[] = [];
  let p = root;
  while (lstatOrNull(p) === null) {
    missing.unshift(p);
    const parent = join(p, "..");
    if (parent === p) break;
    p = parent;
  }
  for (const dir of missing) {
    mkdirSync(dir, { mode });
    chmodSync(dir, mode);
  }
}

/** A new file, never following a link, with exactly `mode` whatever the umask. */
export function createFile(path: string, mode: number): number {
  const fd = openSync(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
  try {
    fchmodSync(fd, mode);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  return fd;
}

export function fsyncDir(dir: string): void {
  const fd = openSync(dir, O_RDONLY | O_DIRECTORY);
  try {
    fsyncSync(fd);
  } catch {
    // some file systems (e.g. some network mounts) refuse fsync on directories
  } finally {
    closeSync(fd);
  }
}

