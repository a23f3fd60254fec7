/**
 * The storage interface: the only thing a backend implements. After restic's
 * `internal/backend`: a small set of operations over keys, capability flags
 * where behaviour really differs, and the copy protocol (mark, manifest,
 * states, removal order, leftovers, rotation) written once above it, in
 * `src/copies/`, never in a backend.
 *
 * Keys are relative to the backend's root and use "/" between segments:
 * `2026-11-30T20:00:00+00:00/db/all.sql.zst`. A key never starts or ends with
 * "/", and has no empty, "." or ".." segment (the copy layer checks object
 * paths before they reach a store). A "dir" argument is "" (the root) or a
 * key prefix ending in "/".
 */

/** One stored key and its size in bytes. */
export interface StoreEntry {
  readonly key: string;
  readonly size: bigint;
}

/** What differs between stores, for the layers above to decide on; never a backend's name. */
export interface StoreCapabilities {
  /**
   * Nothing is kept: sinks read to the end and discard, `list` is always
   * empty. Copies of such a store are not listed, rotated, locked by root or
   * restored. @default false
   */
  readonly discards?: boolean;
  /**
   * Reading a key twice costs little (a local disk): restore checks an object
   * with one read pass and streams it again into the restore pipeline, instead
   * of staging a verified copy in a temporary file. @default false
   */
  readonly cheapReads?: boolean;
}

export interface SinkOptions {
  /** Expected size in bytes: a hint for preallocation and part sizing. */
  readonly sizeHint?: bigint;
}

/**
 * Where the bytes of one key go, in order. `close` makes the key durable
 * (fsync, multipart completion); `abort` gives up, and the copy layer then
 * removes the key.
 */
export interface Sink {
  /**
   * A regular file's descriptor, open for writing at offset 0, when the store
   * keeps the key in a local file: the pipeline's last process may then
   * write straight into it (its stdout is this fd) and `write` is never
   * called. `close` still runs afterwards and takes the stored size from the
   * file itself.
   */
  readonly fd?: number;
  write(chunk: Uint8Array): void | Promise<void>;
  close(): Promise<void>;
  abort(reason?: unknown): Promise<void>;
}

export interface PutOptions {
  /** Fail with KeyExistsError when the key's parent folder already holds anything. */
  readonly ifAbsent?: boolean;
}

export interface Store {
  readonly capabilities: StoreCapabilities;
  /** Where a key (or, for "" or a dir, that folder) is, for people: `/var/backups/web1/KEY`, `s3://bucket/root/KEY`, `sftp:backups/KEY`. */
  location(key: string): string;
  /** Names of the folders directly under `dir` (without the trailing "/"), in no set order. */
  listDirs(dir: string): Promise<string[]>;
  /** Every key under `dir`, at any depth, with its size, in no set order; paginated inside. */
  list(dir: string): AsyncIterable<StoreEntry>;
  /** Opens a sink for a new key (parent folders are made as needed). */
  openSink(key: string, options?: SinkOptions): Promise<Sink>;
  /**
   * Stores a small object atomically: a reader sees all of it or nothing, and
   * a crash never leaves a folder without it (a store with real directories
   * builds a missing parent under a temporary name and renames it into place).
   * With `ifAbsent`, rejects with KeyExistsError if the key's folder already
   * holds anything (the copy layer's "prefix taken" test, atomic where the
   * store can make it so).
   */
  put(key: string, data: Uint8Array, options?: PutOptions): Promise<void>;
  /** The key's bytes. Rejects with KeyNotFoundError when it is not stored. */
  read(key: string): Promise<ReadableStream<Uint8Array>>;
  /**
   * The key's file, open for reading at offset 0, when the store keeps it in
   * a local regular file: a restore hands it to its pipeline as stdin (the
   * kernel moves the bytes) and verify hashes it on a thread. The caller
   * closes it. Rejects like `read`. Optional.
   */
  openFile?(key: string): Promise<number>;
  /** Removes the keys, in the order given where order matters to the store's batching; a missing key is not an error. Batched inside. */
  remove(keys: readonly string[]): Promise<void>;
  /**
   * Clears what the store holds under `dir` besides keys (unfinished multipart
   * uploads, empty folders, `dir` itself when it is left empty) once its keys
   * are removed. Optional.
   */
  prune?(dir: string): Promise<void>;
  /**
   * Called once a copy is complete and rotation has run, with the keys of the
   * objects this run stored in it (not the manifest): e.g. S3 moves them to
   * the rotation storage class. Optional.
   */
  finalize?(keys: readonly string[]): Promise<void>;
  /**
   * Stores `key` as a copy of `source`'s `sourceKey` (`size` bytes) without
   * the bytes passing through palhm: S3's CopyObject, or UploadPartCopy above
   * the single-copy limit, between buckets this store's credentials reach.
   * Resolves false when this store cannot reach `source` that way; the caller
   * then streams the bytes. Optional.
   */
  copyFrom?(source: Store, sourceKey: string, key: string, size: bigint): Promise<boolean>;
  /**
   * Keys under `dir` that cannot be read now: stored in an archive (S3
   * GLACIER, DEEP_ARCHIVE) and not thawed. Optional: a store without
   * archives has none.
   */
  archived?(dir: string): Promise<ArchivedKey[]>;
  /** Asks the store to make an archived key readable for `days` days. Optional. */
  thaw?(key: string, days: number): Promise<ThawState>;
  /** Releases clients and sockets. Optional. */
  close?(): Promise<void>;
}

/** A key whose bytes cannot be read until the store thaws it. */
export interface ArchivedKey {
  readonly key: string;
  /** Where it is archived, e.g. "GLACIER". */
  readonly storageClass: string;
  /** A thaw was asked for and has not finished. */
  readonly thawing: boolean;
}

/** What a thaw request found: it started one, one was already under way, or the key can be read now. */
export type ThawState = "started" | "thawing" | "readable";

/** A key that `read` found archived: not missing, not forbidden, only not readable until thawed. */
export class KeyArchivedError extends Error {
  constructor(readonly archived: ArchivedKey, readonly where: string) {
    super(`${where}: archived in ${archived.storageClass}${archived.thawing ? " (a thaw is under way)" : ""}`);
    this.name = "KeyArchivedError";
  }
}

/** A key that `put(..., { ifAbsent: true })` found taken. */
export class KeyExistsError extends Error {
  constructor(readonly key: string) {
    super(`${key} already exists`);
    this.name = "KeyExistsError";
  }
}

/** A key that `read` did not find. */
export class KeyNotFoundError extends Error {
  constructor(readonly key: string, readonly where?: string) {
    super(`${where ?? key}: no such object`);
    this.name = "KeyNotFoundError";
  }
}
