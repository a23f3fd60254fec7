/** The null backend: every object is read to the end and discarded; nothing is stored, so nothing is listed, rotated or locked by root. */
import * as v from "valibot";
import type { BackendDescriptor } from "../descriptor.ts";
import type { Sink, Store } from "../store.ts";
import { KeyNotFoundError } from "../store.ts";

/** Discards the output (reads it to the end). For dry runs and checks where only exit codes matter. */
export interface NullBackendParam {
  type: "null";
}

export const nullSchema = v.strictObject({ type: v.literal("null") });

export interface ResolvedNullParam {
  readonly type: "null";
}

const _sink: Sink = { write() {}, async close() {}, async abort() {} };

export const nullStore: Store = {
  capabilities: { discards: true },
  location: () => "(discarded)",
  listDirs: async () => [],
  list: async function* () {},
  openSink: async () => _sink,
  put: async () => {},
  read: async (key) => {
    throw new KeyNotFoundError(key, "the null backend stores nothing");
  },
  remove: async () => {},
};

export const nullBackend: BackendDescriptor<v.InferOutput<typeof nullSchema>, ResolvedNullParam> = {
  type: "null",
  summary: "discards the output (dry runs, checks where only exit codes matter)",
  resolve: () => ({ type: "null" }),
  open: async () => nullStore,
  describe: () => "(null: output discarded)",
  lockKey: () => "null",
  rotation: () => null,
};
