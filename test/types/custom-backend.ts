/**
 * Type tests for custom backends: everything a Store needs comes from
 * "palhm", typed; an impl that is not a Store is a type error. Checked by
 * `tsc --noEmit -p .`; each `@ts-expect-error` must meet an error.
 */
import { defineConfig, KeyExistsError, KeyNotFoundError, MARK_NAME, type Sink, type Store, type StoreEntry } from "palhm";

const data = new Map<string, Uint8Array>();
const store: Store = {
  capabilities: { cheapReads: true },
  location: (key) => `mem:${key}`,
  listDirs: async (dir) => [...new Set([...data.keys()].filter((k) => k.startsWith(dir)).map((k) => k.slice(dir.length).split("/")[0]!))],
  async *list(dir): AsyncIterable<StoreEntry> {
    for (const [key, b] of data) if (key.startsWith(dir)) yield { key, size: BigInt(b.length) };
  },
  openSink: async (key): Promise<Sink> => ({ write: () => {}, close: async () => void data.set(key, new Uint8Array()), abort: async () => {} }),
  put: async (key, bytes, options) => {
    if (options?.ifAbsent && data.has(key)) throw new KeyExistsError(key);
    data.set(key, bytes);
  },
  read: async (key) => {
    const b = data.get(key);
    if (!b) throw new KeyNotFoundError(key);
    return new Blob([b]).stream();
  },
  remove: async (keys) => void keys.forEach((k) => data.delete(k)),
};

export const custom = defineConfig({
  tasks: { b: { type: "backup", backend: { type: "custom", name: "mem", impl: store, nbCopyLimit: 3 }, objects: [{ path: MARK_NAME.slice(1), pipeline: [{ argv: ["true"] }] }] } },
});

export const notAStore = defineConfig({
  tasks: {
    // @ts-expect-error impl lacks read, remove and the rest
    b: { type: "backup", backend: { type: "custom", impl: { list() {}, put() {} } }, objects: [] },
  },
});
