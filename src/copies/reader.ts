/** Reading an existing copy, for list, verify and restore. */
import type { Store } from "../backends/store.ts";
import { KeyNotFoundError } from "../backends/store.ts";
import type { Manifest } from "../backup/manifest.ts";
import { BackendError } from "../errors.ts";
import { storeCall } from "./call.ts";
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
  /** An object's bytes. Rejects with BackendError if it is missing. */
  read(path: string): Promise<ReadableStream<Uint8Array>>;
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
    async read(path) {
      const problem = objectPathProblem(path);
      if (problem) throw new BackendError(`object path "${path}": ${problem}`);
      const key = objectKey(copy.prefix, path);
      try {
        return await storeCall(store, "reading", key, () => store.read(key));
      } catch (e) {
        if (e instanceof KeyNotFoundError) throw new BackendError(`object ${path} of copy ${copy.prefix} is missing: ${e.message}`);
        throw e;
      }
    },
  };
}
