/**
 * The storage backend interface. Repository logic (backup runner, rotation,
 * list, verify, restore) talks only to this; null, localfs, aws-s3 and a
 * user's custom backend implement it. Modelled on restic's backend layer.
 *
 * Layout of a copy, on every backend: ROOT/PREFIX/PATH for each object, plus
 * two reserved names inside the copy:
 *   - MARK_NAME: present while the copy is being written (or its run died);
 *   - MANIFEST_NAME: written last, marks the copy complete.
 * A copy with neither is a legacy copy (e.g. made by the original PALHM).
 */
import type { Logger } from "../log.ts";
import type { Manifest } from "../backup/manifest.ts";

export const MARK_NAME = ".palhm-incomplete";
export const MANIFEST_NAME = ".palhm-manifest.json";

export type CopyState = "complete" | "incomplete" | "legacy";

export interface CopyInfo {
  /** The copy's name under the root, e.g. `2022-05-01T06:59:17+00:00`. */
  readonly prefix: string;
  readonly state: CopyState;
  /** Total bytes of the copy (every stored file/object, manifest and mark included). */
  readonly size: bigint;
}

/** Where bytes of one object go. Written in order; `close` makes the object durable. */
export interface Sink {
  write(chunk: Uint8Array): void | Promise<void>;
  /** Finish the object. Resolves once it is stored. */
  close(): Promise<void>;
  /** Give up on the object (the copy's rollback removes what was written). */
  abort(reason?: unknown): Promise<void>;
}

export interface SinkOptions {
  /** Expected size (hint for preallocation and part sizing). */
  readonly allocSize?: bigint;
}

/** A copy being written by this run. */
export interface CopyWriter {
  readonly prefix: string;
  /** Human-readable location, e.g. `/var/backup/2022-...` or `s3://b/root/2022-...`. */
  readonly location: string;
  openSink(path: string, options: SinkOptions): Promise<Sink>;
  /** Write the manifest, then remove the mark. After this the copy is complete. */
  commit(manifest: Manifest): Promise<void>;
  /** Remove everything this copy holds (objects, directories, uploads in progress, the mark). */
  rollback(): Promise<void>;
  /** After commit and rotation (e.g. S3 storage class moves). Optional. */
  finalize?(): Promise<void>;
}

/** An existing copy, for list/verify/restore. */
export interface CopyReader {
  readonly prefix: string;
  readonly location: string;
  readonly state: CopyState;
  /** The manifest, or null for legacy/incomplete copies. */
  manifest(): Promise<Manifest | null>;
  /** Stored objects (excluding the reserved names) with their sizes, sorted by path. */
  objects(): Promise<{ path: string; size: bigint }[]>;
  /** Stream an object's bytes. Rejects with BackendError if it is missing. */
  read(path: string): Promise<ReadableStream<Uint8Array>>;
}

export interface BackendContext {
  readonly taskId: string;
  readonly log: Logger;
  readonly signal: AbortSignal;
}

/** An opened backend for one task run. */
export interface Backend {
  /** Backend type name, e.g. "localfs". */
  readonly type: string;
  /** Human-readable root, e.g. `/var/backup` or `s3://bucket/root`. */
  describe(): string;
  /** A string identifying the root for locking (task id is added by the caller). */
  lockKey(): string;
  /** Copies under the root, oldest first. Entries whose name is not a prefix are not copies and are ignored. */
  listCopies(): Promise<CopyInfo[]>;
  /** Create a copy; rejects with PrefixTakenError if anything exists under that prefix already. Writes the mark first. */
  createCopy(prefix: string, ctx: BackendContext): Promise<CopyWriter>;
  openCopy(prefix: string): Promise<CopyReader>;
  /** Remove a whole copy (rotation, leftovers of dead runs). */
  removeCopy(prefix: string): Promise<void>;
  /** Release clients, sockets. Optional. */
  close?(): Promise<void>;
}

/** Builds a Backend from its resolved params. One module per backend exports one of these. */
export type BackendFactory<P> = (param: P, ctx: BackendContext) => Backend | Promise<Backend>;

export class PrefixTakenError extends Error {
  constructor(readonly prefix: string) {
    super(`copy ${prefix} already exists`);
  }
}
