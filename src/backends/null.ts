/** The null backend: every object is read to the end and discarded; nothing is stored, so nothing is rotated. */
import type { Backend, BackendFactory, CopyReader, CopyWriter, Sink } from "./types.ts";
import { BackendError } from "../errors.ts";

const _sink: Sink = {
  write() {},
  async close() {},
  async abort() {},
};

export const createBackend: BackendFactory<{ readonly type: "null" }> = (): Backend => ({
  type: "null",
  describe: () => "(null: output discarded)",
  lockKey: () => "null",
  listCopies: async () => [],
  createCopy: async (prefix): Promise<CopyWriter> => ({
    prefix,
    location: "(discarded)",
    openSink: async () => _sink,
    commit: async () => {},
    rollback: async () => {},
  }),
  openCopy: async (prefix): Promise<CopyReader> => {
    throw new BackendError(`the null backend stores nothing: there is no copy ${prefix}`);
  },
  removeCopy: async () => {},
});
