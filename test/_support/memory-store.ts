/** A Store over a Map, for tests of the copy layer and of the config's custom backends. Every call can be watched and made to fail. */
import type { PutOptions, Sink, Store, StoreEntry } from "../../src/backends/store.ts";
import { KeyExistsError, KeyNotFoundError } from "../../src/backends/store.ts";

export interface MemoryStore extends Store {
  readonly data: Map<string, Uint8Array>;
  /** Every call made, in order: `put PREFIX/.palhm-incomplete`, `remove a,b`... */
  readonly calls: string[];
  /** Throws this error from the call (by its name and key) when it returns one. */
  fault: ((call: string) => Error | undefined) | null;
}

export function memoryStore(name = "mem"): MemoryStore {
  const data = new Map<string, Uint8Array>();
  const calls: string[] = [];
  const store: MemoryStore = {
    data,
    calls,
    fault: null,
    capabilities: {},
    location: (key) => `${name}:${key}`,
    async listDirs(dir) {
      check(`listDirs ${dir}`);
      return [...new Set([...data.keys()].filter((k) => k.startsWith(dir)).map((k) => k.slice(dir.length)).filter((k) => k.includes("/")).map((k) => k.slice(0, k.indexOf("/"))))];
    },
    async *list(dir): AsyncIterable<StoreEntry> {
      check(`list ${dir}`);
      for (const [key, bytes] of [...data]) if (key.startsWith(dir)) yield { key, size: BigInt(bytes.length) };
    },
    async openSink(key): Promise<Sink> {
      check(`openSink ${key}`);
      const chunks: Uint8Array[] = [];
      return {
        write: (chunk) => {
          check(`write ${key}`);
          chunks.push(chunk.slice());
        },
        close: async () => {
          check(`close ${key}`);
          data.set(key, new Uint8Array(await new Blob(chunks).arrayBuffer()));
        },
        abort: async () => {},
      };
    },
    async put(key, bytes, options: PutOptions = {}) {
      check(`put ${key}`);
      const folder = key.slice(0, key.lastIndexOf("/") + 1);
      if (options.ifAbsent && [...data.keys()].some((k) => k.startsWith(folder))) throw new KeyExistsError(key);
      data.set(key, bytes.slice());
    },
    async read(key) {
      check(`read ${key}`);
      const bytes = data.get(key);
      if (!bytes) throw new KeyNotFoundError(key, `${name}:${key}`);
      return new Blob([bytes]).stream();
    },
    async remove(keys) {
      check(`remove ${keys.join(",")}`);
      for (const k of keys) data.delete(k);
    },
  };
  function check(call: string): void {
    calls.push(call);
    const e = store.fault?.(call);
    if (e) throw e;
  }
  return store;
}
