/**
 * The hooks directory (TKLBAM's hooks.d): which of its entries run, in which
 * order, and whether they may be trusted to run at all. hooks.d is a
 * root-privilege boundary: whoever can change what runs there runs as root.
 *
 * - A missing directory means no hooks.
 * - Entries run in name order (byte order of their UTF-8 names).
 * - `*.sig` files, entries that are not regular files and entries the
 *   invoking user cannot execute are skipped, as TKLBAM does.
 * - The directory, every directory above it from `/` down, and every entry
 *   that would run (and, for a symlink, every directory above its target)
 *   must be owned by root or the invoking user (effective uid) and not be
 *   writable by group or others, as sudo and OpenSSH require; otherwise the
 *   whole set is refused. A directory above may be world-writable if it is
 *   sticky (`/tmp`): there only an entry's owner may rename or remove it.
 *   Symlinks are judged by their target: the target is what gets executed.
 * - Checked once is not enough: an entry is opened (`O_NOFOLLOW`, by its
 *   resolved path) and checked again right before it runs, and must still be
 *   the very file checked at the start; it is executed through the open
 *   descriptor (`/proc/self/fd/N`), so what is checked is what runs.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, type Stats } from "node:fs";
import { access, readdir, realpath, stat } from "node:fs/promises";
import { dirname, join, sep } from "node:path";

/** Node's constants lack it; the descriptor reaches a hook only as the fd 3 it is given. */
const _O_CLOEXEC = 0o2000000;

/** Why `st` may not be trusted as (or as the directory of) a hook, or null if it may. */
export function distrust(st: Pick<Stats, "uid" | "mode">, euid: number, stickyOk = false): string | null {
  const reasons: string[] = [];
  if (st.uid !== 0 && st.uid !== euid) {
    reasons.push(`owned by uid ${st.uid}, neither root nor the invoking user (uid ${euid})`);
  }
  const sticky = stickyOk && (st.mode & 0o1000) !== 0;
  if (st.mode & 0o020 && !sticky) reasons.push("writable by group");
  if (st.mode & 0o002 && !sticky) reasons.push("writable by others");
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

/** One executable of hooks.d as checked: its name there, the file it resolves to, and which file that was. */
export interface HookFile {
  readonly path: string;
  readonly real: string;
  readonly dev: number;
  readonly ino: number;
}

/**
 * Every directory of the absolute, symlink-free path `dir`, from `/` down to
 * `dir` itself, must be a real directory owned by root or `euid` and not
 * writable by group or others (`dir` itself may not rely on a sticky bit).
 */
export function checkDirChain(dir: string, euid: number, what = dir): void {
  const parts = dir.split(sep).filter(Boolean);
  for (let i = 0; i <= parts.length; i++) {
    const at = sep + parts.slice(0, i).join(sep);
    const st = lstatSync(at);
    if (!st.isDirectory()) throw new RefusedHookPath(at, `not a directory (on the path of ${what})`);
    const reason = distrust(st, euid, i < parts.length);
    if (reason) throw new RefusedHookPath(at, i < parts.length ? `${reason}, above ${what}` : reason);
  }
}

/**
 * The executables of `dir`, in the order they run, each checked with the
 * directories above it. Throws RefusedHookPath for an untrusted directory or
 * entry; a missing directory yields none.
 */
export async function checkHooksDir(dir: string, euid: number = process.geteuid?.() ?? 0): Promise<HookFile[]> {
  let dirStat: Stats;
  try {
    dirStat = await stat(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
  if (!dirStat.isDirectory()) throw new RefusedHookPath(dir, "not a directory");
  const realDir = await realpath(dir);
  checkDirChain(realDir, euid, dir);

  const runnable: HookFile[] = [];
  for (const name of byteOrder(await readdir(dir))) {
    if (name.endsWith(".sig")) continue;
    const path = join(dir, name);
    const st = await stat(path).catch(() => null); // a dangling symlink runs nothing
    if (!st?.isFile() || !(await _executable(path))) continue;
    const reason = distrust(st, euid);
    if (reason) throw new RefusedHookPath(path, reason);
    const real = await realpath(path);
    if (dirname(real) !== realDir) checkDirChain(dirname(real), euid, path);
    runnable.push({ path, real, dev: st.dev, ino: st.ino });
  }
  return runnable;
}

/** The paths of `checkHooksDir`. */
export async function scanHooksDir(dir: string, euid: number = process.geteuid?.() ?? 0): Promise<string[]> {
  return (await checkHooksDir(dir, euid)).map((f) => f.path);
}

/**
 * Opens a checked hook right before it runs and checks it again: the
 * directories above it, then the open file itself (`fstat`), which must be
 * the file checked at the start, still trusted and executable. Returns the
 * descriptor to execute it through; the caller closes it.
 */
export function openHook(hook: HookFile, euid: number = process.geteuid?.() ?? 0): number {
  try {
    checkDirChain(dirname(hook.real), euid, hook.path);
  } catch (e) {
    if (e instanceof RefusedHookPath) throw e;
    throw new RefusedHookPath(hook.path, `no longer where it was checked (${(e as Error).message})`);
  }
  let fd: number;
  try {
    fd = openSync(hook.real, constants.O_RDONLY | constants.O_NOFOLLOW | _O_CLOEXEC);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new RefusedHookPath(hook.path, code === "ELOOP" ? `replaced by a symlink since it was checked` : `no longer there (${code})`);
  }
  try {
    const st = fstatSync(fd);
    if (st.dev !== hook.dev || st.ino !== hook.ino) throw new RefusedHookPath(hook.path, "not the file that was checked: it was replaced during the run");
    if (!st.isFile()) throw new RefusedHookPath(hook.path, "no longer a regular file");
    const reason = distrust(st, euid);
    if (reason) throw new RefusedHookPath(hook.path, reason);
    return fd;
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

async function _executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

