/**
 * Writing one copy: the mark first (the prefix never exists without it),
 * objects through the store's sinks, the manifest last, then the mark
 * removed. Rollback removes every object, then the mark.
 */
import type { Sink, SinkOptions, Store } from "../backends/store.ts";
import { KeyExistsError } from "../backends/store.ts";
import { encodeManifest, type Manifest } from "../backup/manifest.ts";
import { BackendError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { storeCall, storeError } from "./call.ts";
import { encodeMark, newMark } from "./mark.ts";
import { MANIFEST_NAME, MARK_NAME, PrefixTakenError, copyDir, objectKey, objectPathProblem } from "./names.ts";
import { removeKeys } from "./remove.ts";

/** A copy being written by this run. */
export interface CopyWriter {
  readonly prefix: string;
  /** Where it is, for people: `/var/backups/web1/PREFIX/`, `s3://bucket/root/PREFIX/`. */
  readonly location: string;
  /** A sink for one object; its `fd`, when the store has one, is the object's file. */
  openSink(path: string, options?: SinkOptions): Promise<Sink>;
  /** Writes the manifest, then removes the mark: the copy is complete once this resolves. */
  commit(manifest: Manifest): Promise<void>;
  /** Removes everything the copy holds, the mark last. */
  rollback(): Promise<void>;
  /** After commit and rotation: lets the store settle the objects (e.g. S3's rotation storage class). */
  finalize(): Promise<void>;
}

/** Creates the copy by writing its mark; PrefixTakenError if anything is stored under the prefix already. */
export async function createCopy(store: Store, prefix: string, task: string, log: Logger): Promise<CopyWriter> {
  const key = objectKey(prefix, MARK_NAME);
  try {
    await storeCall(store, "creating the copy", key, () => store.put(key, encodeMark(newMark(task)), { ifAbsent: true }));
  } catch (e) {
    if (e instanceof KeyExistsError) throw new PrefixTakenError(prefix);
    throw e;
  }
  return new _Writer(store, prefix, log);
}

class _Writer implements CopyWriter {
  readonly location: string;
  private readonly sinks = new Map<string, { sink: Sink; closed: boolean; done: boolean }>();
  private rolledBack = false;

  constructor(private readonly store: Store, readonly prefix: string, private readonly log: Logger) {
    this.location = store.location(copyDir(prefix));
  }

  async openSink(path: string, options: SinkOptions = {}): Promise<Sink> {
    const problem = objectPathProblem(path);
    if (problem) throw new BackendError(`object path "${path}": ${problem}`);
    if (this.sinks.has(path)) throw new BackendError(`${this.store.location(objectKey(this.prefix, path))}: object written twice in one copy`);
    const key = objectKey(this.prefix, path);
    if (this.rolledBack) throw this._gone(key);
    const sink = await storeCall(this.store, "opening", key, () => this.store.openSink(key, options));
    if (this.rolledBack) {
      // Rolled back while this sink was being opened (a fan-out destination left out by another object's failure):
      // the object the store may have created already must not stay as a copy without its mark.
      await Promise.resolve().then(() => sink.abort(new Error("rollback"))).catch(() => {});
      await removeKeys(this.store, this.prefix).catch(() => {});
      throw this._gone(key);
    }
    const entry = { sink, closed: false, done: false };
    this.sinks.set(path, entry);
    const call = async (what: string, fn: () => void | Promise<void>) => {
      try {
        await fn();
      } catch (e) {
        throw storeError(this.store, what, key, e);
      }
    };
    return {
      ...(sink.fd !== undefined ? { fd: sink.fd } : {}),
      write: (chunk) => call("writing", () => sink.write(chunk)),
      close: async () => {
        entry.done = true;
        await call("storing", () => sink.close());
        entry.closed = true;
      },
      abort: async (reason) => {
        if (entry.done) return;
        entry.done = true;
        await call("aborting", () => sink.abort(reason));
      },
    };
  }

  async commit(manifest: Manifest): Promise<void> {
    const key = objectKey(this.prefix, MANIFEST_NAME);
    await storeCall(this.store, "writing the manifest", key, () => this.store.put(key, encodeManifest(manifest)));
    const mark = objectKey(this.prefix, MARK_NAME);
    try {
      await storeCall(this.store, "removing the mark", mark, () => this.store.remove([mark]));
    } catch (e) {
      // The copy is complete (its manifest is stored); the next run removes the stray mark.
      this.log.warn(`copy ${this.location} is complete, but its mark stays for now: ${(e as Error).message}`);
    }
  }

  async rollback(): Promise<void> {
    this.rolledBack = true;
    const errors: unknown[] = [];
    for (const entry of this.sinks.values()) {
      if (!entry.done) {
        entry.done = true;
        await Promise.resolve()
          .then(() => entry.sink.abort(new Error("rollback")))
          .catch((e) => void errors.push(e));
      }
    }
    await removeKeys(this.store, this.prefix).catch((e) => void errors.push(e));
    if (errors.length) throw storeError(this.store, "rolling back", copyDir(this.prefix), errors[0]);
  }

  private _gone(key: string): BackendError {
    return new BackendError(`${this.store.location(key)}: not opened, the copy was rolled back`);
  }

  async finalize(): Promise<void> {
    if (!this.store.finalize) return;
    const keys = [...this.sinks].filter(([, s]) => s.closed).map(([path]) => objectKey(this.prefix, path));
    await storeCall(this.store, "finalizing", copyDir(this.prefix), () => this.store.finalize!(keys));
  }
}
