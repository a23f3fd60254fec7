/**
 * The localfs backend: copies in a directory (local disk, NFS, Samba).
 * A copy is ROOT/PREFIX/PATH; ROOT/PREFIX/.palhm-incomplete is written first
 * and ROOT/PREFIX/.palhm-manifest.json last (temp name, fsync, rename).
 */
import { chmodSync, closeSync, fsyncSync, ftruncateSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, unlinkSync, writeSync } from "node:fs";
import { fsync as fsyncCb } from "node:fs";
import { promisify } from "node:util";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import type { ResolvedBackendParam } from "../config/resolved.ts";
import type { Backend, BackendContext, BackendFactory, CopyInfo, CopyReader, CopyState, CopyWriter, Sink, SinkOptions } from "./types.ts";
import { MANIFEST_NAME, MARK_NAME, PrefixTakenError } from "./types.ts";
import { decodeManifest, encodeManifest, type Manifest } from "../backup/manifest.ts";
import { isPrefix } from "../backup/prefix.ts";
import { BackendError } from "../errors.ts";
import { libc } from "../exec/libc.ts";
import { createFile, fsyncDir, lstatOrNull, mkdirsInside, mkdirsRoot, segmentsOf, walkFiles } from "./localfs-fs.ts";
import { bootId } from "../host.ts";

type LocalfsParam = Extract<ResolvedBackendParam, { type: "localfs" }>;

const MANIFEST_TEMP = `${MANIFEST_NAME}.tmp`;
const RESERVED = new Set([MARK_NAME, MANIFEST_NAME, MANIFEST_TEMP]);
const FALLOC_FL_KEEP_SIZE = 1;
const fsync = promisify(fsyncCb);

export const createBackend: BackendFactory<LocalfsParam> = (param) => new LocalfsBackend(param);

export class LocalfsBackend implements Backend {
  readonly type = "localfs";
  readonly root: string;

  constructor(readonly param: LocalfsParam) {
    this.root = resolve(param.root);
  }

  describe(): string {
    return this.root;
  }

  lockKey(): string {
    return `localfs:${this.root}`;
  }

  async listCopies(): Promise<CopyInfo[]> {
    const st = lstatOrNull(this.root);
    if (st === null) return [];
    const copies: CopyInfo[] = [];
    for (const name of _readdir(this.root).sort()) {
      const dir = this._copyDir(name);
      if (dir === null) continue;
      const size = walkFiles(dir).reduce((sum, [, n]) => sum + n, 0n);
      copies.push({ prefix: name, state: _stateOf(dir), size });
    }
    return copies;
  }

  async createCopy(prefix: string, ctx: BackendContext): Promise<CopyWriter> {
    if (!isPrefix(prefix)) throw new BackendError(`"${prefix}" is not a copy prefix`);
    const { dmode, fmode } = this.param;
    try {
      mkdirsRoot(this.root, dmode);
    } catch (e) {
      throw new BackendError(`cannot create the backend root ${this.root}: ${(e as Error).message}`);
    }
    const dir = join(this.root, prefix);
    try {
      mkdirSync(dir, { mode: dmode });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST") throw new PrefixTakenError(prefix);
      throw new BackendError(`cannot create copy ${dir}: ${(e as Error).message}`);
    }
    chmodSync(dir, dmode);
    const mark = { pid: process.pid, host: hostname(), bootId: bootId() || undefined, start: new Date().toISOString(), task: ctx.taskId };
    const fd = createFile(join(dir, MARK_NAME), fmode);
    try {
      writeSync(fd, JSON.stringify(mark) + "\n");
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    fsyncDir(this.root);
    return new _LocalfsWriter(this.param, prefix, dir);
  }

  async openCopy(prefix: string): Promise<CopyReader> {
    const dir = this._copyDir(prefix);
    if (dir === null) throw new BackendError(`no copy ${prefix} under ${this.root}`);
    return new _LocalfsReader(prefix, dir);
  }

  /** Marks the copy incomplete and drops its manifest first: a removal cut short leaves a copy the next run removes, never a "complete" one with objects missing. */
  async removeCopy(prefix: string): Promise<void> {
    const dir = this._copyDir(prefix);
    if (dir === null) return;
    if (lstatOrNull(join(dir, MANIFEST_NAME))) {
      if (!lstatOrNull(join(dir, MARK_NAME))) closeSync(createFile(join(dir, MARK_NAME), this.param.fmode));
      unlinkSync(join(dir, MANIFEST_NAME));
      fsyncDir(dir);
    }
    _removeCopyDir(dir);
  }

  /** The copy's directory, or null if `name` is not a prefix or not a real directory (a link is never a copy). */
  private _copyDir(name: string): string | null {
    if (!isPrefix(name)) return null;
    const dir = join(this.root, name);
    return lstatOrNull(dir)?.isDirectory() ? dir : null;
  }
}

/** Removes a copy's directory with its incomplete mark last: a removal cut short never leaves what looks like a legacy (complete) copy. */
function _removeCopyDir(dir: string): void {
  if (!lstatOrNull(dir)?.isDirectory()) return;
  for (const name of readdirSync(dir)) {
    if (name !== MARK_NAME) rmSync(join(dir, name), { recursive: true, force: true });
  }
  rmSync(dir, { recursive: true, force: true });
}

class _LocalfsWriter implements CopyWriter {
  readonly location: string;
  private readonly open = new Set<number>();

  constructor(private readonly param: LocalfsParam, readonly prefix: string, private readonly dir: string) {
    this.location = dir;
  }

  async openSink(path: string, options: SinkOptions): Promise<Sink> {
    const segs = segmentsOf(path);
    if (RESERVED.has(segs[0]!) && segs.length === 1) throw new BackendError(`object path "${path}" is reserved by palhm`);
    const parent = mkdirsInside(this.dir, segs.slice(0, -1), this.param.dmode);
    const file = join(parent, segs.at(-1)!);
    let fd: number;
    try {
      fd = createFile(file, this.param.fmode);
    } catch (e) {
      throw new BackendError(`cannot create ${file}: ${(e as Error).message}`);
    }
    this.open.add(fd);
    const preallocated = options.allocSize !== undefined && options.allocSize > 0n && (await _preallocate(fd, options.allocSize));
    let written = 0;
    const done = () => {
      if (this.open.delete(fd)) closeSync(fd);
    };
    return {
      write: (chunk) => {
        for (let off = 0; off < chunk.length; ) off += writeSync(fd, chunk, off);
        written += chunk.length;
      },
      close: async () => {
        try {
          if (preallocated) ftruncateSync(fd, written);
          await fsync(fd);
        } catch (e) {
          throw new BackendError(`cannot store ${file}: ${(e as Error).message}`);
        } finally {
          done();
        }
      },
      abort: async () => done(),
    };
  }

  async commit(manifest: Manifest): Promise<void> {
    const temp = join(this.dir, MANIFEST_TEMP);
    const fd = createFile(temp, this.param.fmode);
    try {
      writeSync(fd, encodeManifest(manifest));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, join(this.dir, MANIFEST_NAME));
    unlinkSync(join(this.dir, MARK_NAME));
    fsyncDir(this.dir);
  }

  async rollback(): Promise<void> {
    for (const fd of this.open) closeSync(fd);
    this.open.clear();
    _removeCopyDir(this.dir);
  }
}

class _LocalfsReader implements CopyReader {
  readonly location: string;
  readonly state: CopyState;

  constructor(readonly prefix: string, private readonly dir: string) {
    this.location = dir;
    this.state = _stateOf(dir);
  }

  async manifest(): Promise<Manifest | null> {
    const p = join(this.dir, MANIFEST_NAME);
    if (!lstatOrNull(p)?.isFile()) return null;
    try {
      return decodeManifest(readFileSync(p));
    } catch (e) {
      throw new BackendError(`${p}: ${(e as Error).message}`);
    }
  }

  async objects(): Promise<{ path: string; size: bigint }[]> {
    return walkFiles(this.dir)
      .filter(([p]) => !RESERVED.has(p))
      .map(([path, size]) => ({ path, size }));
  }

  async read(path: string): Promise<ReadableStream<Uint8Array>> {
    const segs = segmentsOf(path);
    let p = this.dir;
    for (const [i, seg] of segs.entries()) {
      p = join(p, seg);
      const st = lstatOrNull(p);
      const ok = i === segs.length - 1 ? st?.isFile() : st?.isDirectory();
      if (!ok) throw new BackendError(`object ${path} is missing from ${this.dir}${st ? " (not a regular file or directory; links are not followed)" : ""}`);
    }
    return Bun.file(p).stream();
  }
}

function _stateOf(dir: string): CopyState {
  if (lstatOrNull(join(dir, MANIFEST_NAME))?.isFile()) return "complete";
  if (lstatOrNull(join(dir, MARK_NAME))) return "incomplete";
  return "legacy";
}

function _readdir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (e) {
    throw new BackendError(`cannot list ${dir}: ${(e as Error).message}`);
  }
}

/** Reserves the blocks up front where the file system can (not on every NFS/Samba mount); a hint only. */
async function _preallocate(fd: number, size: bigint): Promise<boolean> {
  try {
    return (await libc()).fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, Number(size)) === 0;
  } catch {
    return false;
  }
}
