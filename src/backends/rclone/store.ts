/**
 * The rclone store: keys under an rclone remote (`sftp-host:backups/web1`),
 * each operation one run of Debian's `rclone` program, so SFTP, WebDAV, Google
 * Cloud Storage, Azure Blob, Backblaze B2 and the rest come through one
 * well-kept tool. A key is `REMOTE/KEY`.
 */
import { randomBytes } from "node:crypto";
import { KeyExistsError, KeyNotFoundError, type PutOptions, type Sink, type SinkOptions, type Store, type StoreCapabilities, type StoreEntry } from "../store.ts";
import { Rclone, type RcloneContext, type RcloneTarget } from "./command.ts";
import { openRcatSink } from "./sink.ts";
import { BackendError } from "../../errors.ts";

/** lsjson fields palhm does not need and some remotes pay for (a MIME sniff, a stat per file). */
const LEAN = ["--no-mimetype", "--no-modtime"];

interface _LsEntry {
  readonly Path: string;
  readonly Name: string;
  readonly Size: number;
  readonly IsDir: boolean;
}

/** The folder of a key: "" or a dir ending in "/". */
const _parent = (key: string): string => key.slice(0, key.lastIndexOf("/") + 1);

export class RcloneStore implements Store {
  /** A read is a download: restore stages what it verifies rather than reading twice. */
  readonly capabilities: StoreCapabilities = {};
  readonly rclone: Rclone;

  constructor(target: RcloneTarget, ctx: RcloneContext) {
    this.rclone = new Rclone(target, ctx);
  }

  /** `NAME:PATH/KEY`; a dir without its trailing "/", as localfs says it. */
  location(key: string): string {
    return key === "" ? this.rclone.path("") : this.rclone.path(key).replace(/\/+$/, "");
  }

  async listDirs(dir: string): Promise<string[]> {
    const entries = await this._ls(`cannot list ${this.location(dir)}`, ["lsjson", "--dirs-only", ...LEAN, this.rclone.path(dir)]);
    return entries.map((e) => e.Name);
  }

  async *list(dir: string): AsyncIterable<StoreEntry> {
    const args = ["lsjson", "-R", "--files-only", "--fast-list", ...LEAN, this.rclone.path(dir)];
    for (const e of await this._ls(`cannot list ${this.location(dir)}`, args)) {
      // rclone says -1 for a size it cannot know (none of palhm's own objects).
      yield { key: dir + e.Path, size: BigInt(Math.max(0, e.Size)) };
    }
  }

  openSink(key: string, options?: SinkOptions): Promise<Sink> {
    return openRcatSink(this.rclone, key, options);
  }

  /**
   * With `ifAbsent` this is check-then-put, as on S3: the folder is listed,
   * then the object written straight to its key, so a crash leaves the key
   * itself (perhaps short), never a temporary object alone in a new folder.
   * Otherwise the object is written under a temporary name beside the key and
   * moved onto it (a rename on SFTP, WebDAV and local disks; a server-side
   * copy on object stores): a reader never sees a half-written manifest.
   */
  async put(key: string, data: Uint8Array, options: PutOptions = {}): Promise<void> {
    if (options.ifAbsent) {
      const parent = _parent(key);
      const held = await this._ls(`cannot list ${this.location(parent)}`, ["lsjson", ...LEAN, this.rclone.path(parent)]);
      if (held.length > 0) throw new KeyExistsError(key);
      return this._write(key, data);
    }
    // In the key's folder, so the move is a rename; named as palhm's own (".palhm-"), so it is never taken for an object.
    const temp = `${_parent(key)}.palhm-tmp-${randomBytes(4).toString("hex")}`;
    await this._write(temp, data);
    await this.rclone.call(`cannot move ${this.location(temp)} onto ${key}`, ["moveto", this.rclone.path(temp), this.rclone.path(key)]);
  }

  /**
   * One `rclone cat` of the key alone (its folder, filtered to its name by
   * `--files-from-raw`: never the whole tree a folder key would give). Only
   * when that finds nothing is the key looked up, as `cat` succeeds with no
   * output for a missing key on object stores and for an empty one.
   */
  async read(key: string): Promise<ReadableStream<Uint8Array>> {
    if (/[\r\n]/.test(key)) throw new BackendError(`cannot read ${JSON.stringify(this.location(key))}: a name with a line break cannot go in rclone's list of names`);
    const { stream, opened } = this._cat(key);
    if ((await opened) === "data") return stream;
    const where = this.location(key);
    const stat = await this.rclone.output(`cannot read ${where}`, ["lsjson", "--stat", ...LEAN, this.rclone.path(key)], { missingOk: true });
    const entry = stat === null ? null : (JSON.parse(stat) as _LsEntry | null);
    if (entry === null || entry.IsDir) throw new KeyNotFoundError(key, where);
    return stream;
  }

  /**
   * One `rclone delete` for all the keys, read from its stdin (no length
   * limit), deleted in parallel: the copy layer makes separate calls where
   * order matters (the manifest first, the mark last).
   */
  async remove(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    // Read as two names, it could delete another key: refused before anything is deleted.
    const broken = keys.find((k) => /[\r\n]/.test(k));
    if (broken !== undefined) throw new BackendError(`cannot remove ${JSON.stringify(this.location(broken))}: a name with a line break cannot go in rclone's list of names`);
    const list = new Response(keys.join("\n") + "\n").body!;
    await this.rclone.call(`cannot remove from ${this.location("")}`, ["delete", "--files-from-raw", "-", this.rclone.path("")], {
      stdin: list,
      missingOk: true,
    });
  }

  /** Removes the empty folders under `dir`, and `dir` itself unless it is the root; keys are left alone. */
  async prune(dir: string): Promise<void> {
    const args = ["rmdirs", ...(dir === "" ? ["--leave-root"] : []), this.rclone.path(dir)];
    await this.rclone.call(`cannot remove empty folders under ${this.location(dir)}`, args, { missingOk: true });
  }

  private async _ls(what: string, args: string[]): Promise<_LsEntry[]> {
    const out = await this.rclone.output(what, args, { missingOk: true });
    return out === null ? [] : (JSON.parse(out) as _LsEntry[]);
  }

  private async _write(key: string, data: Uint8Array): Promise<void> {
    const sink = await this.openSink(key, { sizeHint: BigInt(data.length) });
    try {
      await sink.write(data);
    } catch (e) {
      await sink.abort(e);
      throw e;
    }
    await sink.close();
  }

  /**
   * `rclone cat` as a stream: rclone waits while the reader does not read;
   * cancelling the stream stops it. `opened` says whether any byte came, or
   * rejects (KeyNotFoundError when the key's folder is not there).
   */
  private _cat(key: string): { stream: ReadableStream<Uint8Array>; opened: Promise<"data" | "none"> } {
    const stop = new AbortController();
    const opened = Promise.withResolvers<"data" | "none">();
    let wake: (() => void) | undefined;
    const rclone = this.rclone;
    const where = this.location(key);
    const slash = key.lastIndexOf("/");
    const args = ["cat", "--files-from-raw", "-", rclone.path(key.slice(0, slash + 1))];
    const stream = new ReadableStream<Uint8Array>(
      {
        start(controller) {
          const onChunk = async (chunk: Uint8Array) => {
            opened.resolve("data");
            controller.enqueue(chunk);
            while (!stop.signal.aborted && (controller.desiredSize ?? 1) <= 0) await new Promise<void>((r) => (wake = r));
          };
          const names = new Response(key.slice(slash + 1) + "\n").body!;
          rclone.call(`cannot read ${where}`, args, { stdin: names, onChunk, signal: stop.signal, missingOk: true }).then(
            (found) => {
              if (!found) opened.reject(new KeyNotFoundError(key, where));
              opened.resolve("none");
              if (!stop.signal.aborted) controller.close();
            },
            (e) => {
              opened.reject(e);
              if (!stop.signal.aborted) controller.error(e);
            },
          );
        },
        pull() {
          wake?.();
        },
        cancel(reason) {
          stop.abort(reason);
          wake?.();
        },
      },
      { highWaterMark: 1 },
    );
    opened.promise.catch(() => {});
    return { stream, opened: opened.promise };
  }
}
