/** Reading an existing copy, for list, verify and restore. */
import type { Store, ThawState } from "../backends/store.ts";
import { KeyArchivedError, KeyNotFoundError } from "../backends/store.ts";
import type { Manifest } from "../backup/manifest.ts";
import { ArchivedError, BackendError } from "../errors.ts";
import { storeCall, storeError } from "./call.ts";
import { copyDir, objectKey, objectPathProblem, type CopyState } from "./names.ts";
import type { ScannedCopy } from "./scan.ts";

export interface CopyReader {
  readonly prefix: string;
  readonly location: string;
  readonly state: CopyState;
  /** The manifest; null for legacy and incomplete copies; a BackendError for a damaged one. */
  manifest(): Promise<Manifest | null>;
  /** Stored objects (palhm's reserved names left out) with their sizes, sorted by path. */
  objects(): Promise<{ path: string; size: bigint }[]>;
  /** An object's bytes. Rejects with BackendError if it is missing, ArchivedError if it must be thawed first. */
  read(path: string): Promise<ReadableStream<Uint8Array>>;
  /** The object's local file open for reading (the caller closes it), or null when the store keeps none; rejects like `read`. */
  openFile(path: string): Promise<number | null>;
  /** Objects that cannot be read until the store thaws them (archive storage classes), sorted by path. */
  archived(): Promise<ArchivedObject[]>;
  /** Asks the store to make an archived object readable for `days` days. */
  thaw(path: string, days: number): Promise<ThawState>;
}

export interface ArchivedObject {
  readonly path: string;
  readonly storageClass: string;
  readonly thawing: boolean;
}

export function copyReader(store: Store, copy: ScannedCopy): CopyReader {
  const location = store.location(copyDir(copy.prefix));
  return {
    prefix: copy.prefix,
    location,
    state: copy.state,
    async manifest() {
      if (copy.state === "damaged") throw new BackendError(`copy ${copy.prefix} is damaged: ${copy.problem}`);
      return copy.manifest ?? null;
    },
    async objects() {
      return copy.objects.map((o) => ({ ...o }));
    },
    read: (path) => _reading(store, copy.prefix, path, async (key) => _failuresSaid(store, key, await store.read(key))),
    openFile: async (path) => (store.openFile ? _reading(store, copy.prefix, path, (key) => store.openFile!(key)) : null),
    async archived() {
      if (!store.archived) return [];
      const dir = copyDir(copy.prefix);
      const found = await storeCall(store, "listing archived objects", dir, () => store.archived!(dir));
      return found
        .map((a) => ({ path: a.key.slice(dir.length), storageClass: a.storageClass, thawing: a.thawing }))
        .filter((a) => !objectPathProblem(a.path))
        .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
    async thaw(path, days) {
      const key = objectKey(copy.prefix, path);
      if (!store.thaw) throw new BackendError(`${store.location(key)}: this store cannot thaw archived objects`);
      return storeCall(store, "asking to thaw", key, () => store.thaw!(key, days));
    },
  };
}

/** "is archived in GLACIER: ..." as a user reads it: not missing, not forbidden, only not readable yet. */
export function archivedWords(a: { storageClass: string; thawing: boolean }): string {
  return a.thawing
    ? `is archived in ${a.storageClass} and being thawed: it can be read once the store has finished`
    : `is archived in ${a.storageClass}: it cannot be read until the store thaws it (palhm restore --thaw DAYS asks for that)`;
}

/** The object's bytes; the store failing part-way (a reset connection, an I/O error) errors the stream with a BackendError naming the object. */
function _failuresSaid(store: Store, key: string, stream: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let r: Awaited<ReturnType<typeof reader.read>>;
        try {
          r = await reader.read();
        } catch (e) {
          controller.error(storeError(store, "reading", key, e));
          return;
        }
        if (r.done) controller.close();
        else controller.enqueue(r.value);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

/** A read of an object, its failures said for the copy: missing, archived, or the store's own. */
async function _reading<T>(store: Store, prefix: string, path: string, read: (key: string) => Promise<T>): Promise<T> {
  const problem = objectPathProblem(path);
  if (problem) throw new BackendError(`object path "${path}": ${problem}`);
  const key = objectKey(prefix, path);
  try {
    return await storeCall(store, "reading", key, () => read(key));
  } catch (e) {
    if (e instanceof KeyNotFoundError) throw new BackendError(`object ${path} of copy ${prefix} is missing: ${e.message}`);
    if (e instanceof KeyArchivedError) {
      const { storageClass, thawing } = e.archived;
      throw new ArchivedError(`object ${path} of copy ${prefix} ${archivedWords({ storageClass, thawing })}`, [{ path, storageClass, thawing }]);
    }
    throw e;
  }
}
