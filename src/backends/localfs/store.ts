/**
 * The localfs store: keys as files under a directory (local disk, NFS,
 * Samba). Nothing is created, opened or removed through a link planted under
 * the root (see fs.ts); new directories get `dmode` and files `fmode`
 * whatever the umask. A small object is put atomically: written and synced
 * under a temporary name, renamed into place; a missing parent folder is
 * built under a temporary name with the object inside and renamed into place
 * too, so a copy's folder never exists without its mark.
 */
import { closeSync, constants, openSync, fstatSync, fsyncSync, ftruncateSync, readdirSync, renameSync, rmdirSync, rmSync, unlinkSync, writeSync, mkdirSync, chmodSync } from "node:fs";
import { fsync as fsyncCb } from "node:fs";
import { promisify } from "node:util";
import { join, resolve } from "node:path";
import type { PutOptions, Sink, SinkOptions, Store, StoreEntry } from "../store.ts";
import { KeyExistsError, KeyNotFoundError } from "../store.ts";
import { BackendError } from "../../errors.ts";
import { libc } from "../../exec/libc.ts";
import { bootId, processAlive } from "../../host.ts";
import { createFile, fsyncDir, lstatOrNull, mkdirsInside, mkdirsRoot, segmentsOf } from "./fs.ts";

const FALLOC_FL_KEEP_SIZE = 1;
const fsync = promisify(fsyncCb);
/** Names of temporary files and folders: never a prefix, reserved inside a copy, and telling which run made them. */
const TEMP = ".palhm-tmp-";

export interface LocalfsOptions {
  readonly root: string;
  readonly dmode: number;
  readonly fmode: number;
}

export class LocalfsStore implements Store {
  readonly capabilities = { cheapReads: true } as const;
  readonly root: string;
  private readonly dmode: number;
  private readonly fmode: number;

  constructor(options: LocalfsOptions) {
    this.root = resolve(options.root);
    this.dmode = options.dmode;
    this.fmode = options.fmode;
  }

  location(key: string): string {
    return key === "" ? this.root : join(this.root, key).replace(/\/+$/, "");
  }

  async listDirs(dir: string): Promise<string[]> {
    const at = this._existingDir(dir);
    if (at === null) return [];
    return _readdir(at).filter((name) => !name.startsWith(TEMP) && lstatOrNull(join(at, name))?.isDirectory());
  }

  async *list(dir: string): AsyncIterable<StoreEntry> {
    const at = this._existingDir(dir);
    if (at === null) return;
    yield* _walk(at, dir.replace(/\/$/, ""));
  }

  async openSink(key: string, options: SinkOptions = {}): Promise<Sink> {
    const segs = segmentsOf(key);
    const file = join(this.root, key);
    let fd: number;
    try {
      mkdirsRoot(this.root, this.dmode);
      const parent = mkdirsInside(this.root, segs.slice(0, -1), this.dmode);
      fd = createFile(join(parent, segs.at(-1)!), this.fmode);
    } catch (e) {
      throw _error(`cannot create ${file}`, e);
    }
    const preallocated = options.sizeHint !== undefined && options.sizeHint > 0n && (await _preallocate(fd, options.sizeHint));
    let open = true;
    const done = () => {
      if (open) closeSync(fd);
      open = false;
    };
    return {
      fd,
      write: (chunk) => {
        try {
          for (let off = 0; off < chunk.length; ) off += writeSync(fd, chunk, off);
        } catch (e) {
          throw _error(`cannot write ${file}`, e);
        }
      },
      close: async () => {
        try {
          // Blocks reserved past the end by the preallocation are given back; the size is what was written.
          if (preallocated) ftruncateSync(fd, fstatSync(fd).size);
          await fsync(fd);
        } catch (e) {
          throw _error(`cannot store ${file}`, e);
        } finally {
          done();
        }
      },
      abort: async () => done(),
    };
  }

  async put(key: string, data: Uint8Array, options: PutOptions = {}): Promise<void> {
    const segs = segmentsOf(key);
    try {
      mkdirsRoot(this.root, this.dmode);
    } catch (e) {
      throw _error(`cannot create the backend root ${this.root}`, e);
    }
    // The deepest existing folder on the way, and what is missing below it.
    let base = this.root;
    let i = 0;
    for (; i < segs.length - 1; i++) {
      const next = join(base, segs[i]!);
      const st = lstatOrNull(next);
      if (st === null) break;
      if (options.ifAbsent && i === segs.length - 2 && !st.isDirectory()) throw new KeyExistsError(key);
      if (!st.isDirectory()) throw new BackendError(`${next} exists and is not a directory (symlinks are not followed)`);
      if (options.ifAbsent && i === segs.length - 2) {
        // The key's folder exists: taken if it holds anything; an empty one (an earlier version's dead run) is replaced atomically below.
        if (_readdir(next).length) throw new KeyExistsError(key);
        break;
      }
      base = next;
    }
    const missing = segs.slice(i, -1);
    if (missing.length === 0) return this._putFile(base, segs.at(-1)!, data, key);
    this._sweepTemps(base);
    const temp = join(base, `${TEMP}${_runTag()}-${Math.random().toString(36).slice(2, 10)}`);
    try {
      mkdirSync(temp, { mode: this.dmode });
      chmodSync(temp, this.dmode);
      const parent = mkdirsInside(temp, missing.slice(1), this.dmode);
      _writeFile(join(parent, segs.at(-1)!), data, this.fmode);
      fsyncDir(parent);
      renameSync(temp, join(base, missing[0]!));
    } catch (e) {
      rmSync(temp, { recursive: true, force: true });
      const code = (e as NodeJS.ErrnoException).code;
      if (options.ifAbsent && (code === "ENOTEMPTY" || code === "EEXIST")) throw new KeyExistsError(key);
      throw _error(`cannot create ${join(base, missing[0]!)}`, e);
    }
    fsyncDir(base);
  }

  async read(key: string): Promise<ReadableStream<Uint8Array>> {
    return Bun.file(this._filePath(key)).stream();
  }

  async openFile(key: string): Promise<number> {
    return openSync(this._filePath(key), constants.O_RDONLY | constants.O_NOFOLLOW);
  }

  /** The key's file, every segment a real directory and the last a regular file (links are not followed). */
  private _filePath(key: string): string {
    const segs = segmentsOf(key);
    let p = this.root;
    for (const [i, seg] of segs.entries()) {
      p = join(p, seg);
      const st = lstatOrNull(p);
      const ok = i === segs.length - 1 ? st?.isFile() : st?.isDirectory();
      if (!ok) throw new KeyNotFoundError(key, `${p}${st ? " (not a regular file or directory; links are not followed)" : ""}`);
    }
    return p;
  }

  async remove(keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      const segs = segmentsOf(key);
      const parent = this._existingDir(segs.slice(0, -1).map((s) => `${s}/`).join(""));
      if (parent === null) continue;
      const p = join(parent, segs.at(-1)!);
      const st = lstatOrNull(p);
      if (st === null || st.isDirectory()) continue;
      try {
        unlinkSync(p);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw _error(`cannot remove ${p}`, e);
      }
    }
  }

  /** Removes the empty folders under `dir`, and `dir` itself if it is left empty, and temporary files of dead runs. */
  async prune(dir: string): Promise<void> {
    const at = this._existingDir(dir);
    if (at === null) return;
    this._sweepTemps(at);
    _pruneEmpty(at);
  }

  /** The real folder of `dir` under the root, or null when a segment is missing or not a real folder. */
  private _existingDir(dir: string): string | null {
    let p = this.root;
    if (!lstatOrNull(p)) return null;
    for (const seg of dir.split("/").filter(Boolean)) {
      if (seg === "." || seg === "..") return null;
      p = join(p, seg);
      if (!lstatOrNull(p)?.isDirectory()) return null;
    }
    return p;
  }

  private _putFile(dir: string, name: string, data: Uint8Array, key: string): void {
    this._sweepTemps(dir);
    const temp = join(dir, `${TEMP}${_runTag()}-${name}`);
    try {
      rmSync(temp, { force: true });
      _writeFile(temp, data, this.fmode);
      renameSync(temp, join(dir, name));
    } catch (e) {
      rmSync(temp, { force: true });
      throw _error(`cannot store ${join(this.root, key)}`, e);
    }
    fsyncDir(dir);
  }

  /** Temporary names left in `dir` by runs that died (another boot, or a pid that is gone). */
  private _sweepTemps(dir: string): void {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (!name.startsWith(TEMP)) continue;
      const [boot, pid] = name.slice(TEMP.length).split("-");
      if (boot === _bootTag() && processAlive(Number(pid))) continue;
      rmSync(join(dir, name), { recursive: true, force: true });
    }
  }
}

function _writeFile(path: string, data: Uint8Array, mode: number): void {
  const fd = createFile(path, mode);
  try {
    for (let off = 0; off < data.length; ) off += writeSync(fd, data, off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function _bootTag(): string {
  return (bootId() || "noboot").replace(/-/g, "").slice(0, 8);
}

function _runTag(): string {
  return `${_bootTag()}-${process.pid}`;
}

/** Regular files under `abs` (keys relative to the root, `rel` being abs's), links not followed. */
function* _walk(abs: string, rel: string): Generator<StoreEntry> {
  for (const name of _readdir(abs).sort()) {
    const p = join(abs, name);
    const key = rel ? `${rel}/${name}` : name;
    const st = lstatOrNull(p);
    if (st?.isDirectory()) yield* _walk(p, key);
    else if (st?.isFile()) yield { key, size: BigInt(st.size) };
  }
}

/** Removes what is left under `dir` that is not a key (empty folders; links and other non-files, never followed), and `dir` if it ends empty. */
function _pruneEmpty(dir: string): boolean {
  let empty = true;
  for (const name of _readdir(dir)) {
    const p = join(dir, name);
    const st = lstatOrNull(p);
    if (st === null) continue;
    if (st.isDirectory()) {
      if (!_pruneEmpty(p)) empty = false;
    } else if (st.isFile()) {
      empty = false;
    } else {
      try {
        unlinkSync(p);
      } catch (e) {
        throw _error(`cannot remove ${p}`, e);
      }
    }
  }
  if (!empty) return false;
  try {
    rmdirSync(dir);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return true;
    if (code === "ENOTEMPTY" || code === "EEXIST") return false; // filled meanwhile
    throw _error(`cannot remove ${dir}`, e);
  }
}

function _readdir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw _error(`cannot list ${dir}`, e);
  }
}

function _error(what: string, e: unknown): BackendError {
  if (e instanceof BackendError) return e;
  return new BackendError(`${what}: ${(e as Error)?.message ?? e}`, { cause: e });
}

/** Reserves the blocks up front where the file system can (not on every NFS/Samba mount); a hint only. */
async function _preallocate(fd: number, size: bigint): Promise<boolean> {
  try {
    return (await libc()).fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, Number(size)) === 0;
  } catch {
    return false;
  }
}
