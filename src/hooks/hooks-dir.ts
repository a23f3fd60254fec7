/**
 * The hooks directory (TKLBAM's hooks.d): which of its entries run, in which
 * order, and whether they may be trusted to run at all.
 *
 * - A missing directory means no hooks.
 * - Entries run in name order (byte order of their UTF-8 names).
 * - `*.sig` files, entries that are not regular files and entries the
 *   invoking user cannot execute are skipped, as TKLBAM does.
 * - The directory itself and every entry that would run must be owned by root
 *   or the invoking user (effective uid) and not be writable by group or
 *   others; otherwise the whole set is refused. Symlinks are judged by their
 *   target (stat, not lstat): the target is what gets executed, a symlink's
 *   own mode means nothing, and only who can write the directory (checked)
 *   can create or replace one.
 */
import { constants, type Stats } from "node:fs";
import { access, readdir, stat } from "node:fs/promises";
import { join } from "node:path";

/** Why `st` may not be trusted as (or as the directory of) a hook, or null if it may. */
export function distrust(st: Pick<Stats, "uid" | "mode">, euid: number): string | null {
  const reasons: string[] = [];
  if (st.uid !== 0 && st.uid !== euid) {
    reasons.push(`owned by uid ${st.uid}, neither root nor the invoking user (uid ${euid})`);
  }
  if (st.mode & 0o020) reasons.push("writable by group");
  if (st.mode & 0o002) reasons.push("writable by others");
  if (reasons.length === 0) return null;
  return `${reasons.join(", ")} (mode ${(st.mode & 0o7777).toString(8).padStart(4, "0")})`;
}

/** Names in byte order of their UTF-8 encoding (what `LC_ALL=C ls` shows). */
export function byteOrder(names: readonly string[]): string[] {
  return [...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** An entry of the hooks directory was refused, or the directory itself. */
export class RefusedHookPath extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`refusing to run hooks: ${path} is ${reason}`);
  }
}

/**
 * The executables of `dir`, in the order they run. Throws RefusedHookPath for
 * an untrusted directory or entry; a missing directory yields none.
 */
export async function scanHooksDir(dir: string, euid: number = process.geteuid?.() ?? 0): Promise<string[]> {
  let dirStat: Stats;
  try {
    dirStat = await stat(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
  if (!dirStat.isDirectory()) throw new RefusedHookPath(dir, "not a directory");
  const dirReason = distrust(dirStat, euid);
  if (dirReason) throw new RefusedHookPath(dir, dirReason);

  const runnable: string[] = [];
  for (const name of byteOrder(await readdir(dir))) {
    if (name.endsWith(".sig")) continue;
    const path = join(dir, name);
    const st = await stat(path).catch(() => null); // a dangling symlink runs nothing
    if (!st?.isFile() || !(await _executable(path))) continue;
    const reason = distrust(st, euid);
    if (reason) throw new RefusedHookPath(path, reason);
    runnable.push(path);
  }
  return runnable;
}

async function _executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}
