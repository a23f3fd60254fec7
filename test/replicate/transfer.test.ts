/**
 * Bringing one copy to a destination: a source store that fails in the
 * middle of an object (a reset connection, an I/O error) is a storage
 * failure naming the object, the replica is rolled back, and nothing of it
 * is left at the destination; never "internal error".
 */
import { expect, test } from "bun:test";
import type { Store } from "../../src/backends/store.ts";
import { Copies } from "../../src/copies/copies.ts";
import { BackendError } from "../../src/errors.ts";
import { log } from "../../src/log.ts";
import { transferCopy } from "../../src/replicate/transfer.ts";
import { memoryStore } from "../_support/memory-store.ts";

const P = "2022-05-01T06:59:17+00:00";
const bytes = new TextEncoder().encode("x".repeat(1000));

/** A store whose reads deliver the first bytes of an object, then fail as a dropped connection does. */
function failingMidRead(store: Store): Store {
  return Object.assign(Object.create(store), {
    read: async (key: string) => {
      const whole = await store.read(key);
      const reader = whole.getReader();
      return new ReadableStream<Uint8Array>({
        async pull(c) {
          const { value } = await reader.read();
          c.enqueue(value!.subarray(0, 10));
          c.error(new Error("ECONNRESET: connection reset by peer"));
        },
      });
    },
  });
}

test("a source object that fails mid-read fails the replica as a storage error naming it, and rolls it back", async () => {
  const src = memoryStore("src");
  const source = new Copies(src, { taskId: "web", log });
  const w = await source.createCopy(P);
  const sink = await w.openSink("db.sql");
  await sink.write(bytes);
  await sink.close();
  const sha256 = new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
  await w.commit({ format: 1, task: "web", host: "h", prefix: P, start: "s", end: "e", version: "0", objects: [{ path: "db.sql", size: bytes.length, sha256 }] });

  const flaky = new Copies(failingMidRead(src), { taskId: "web", log });
  const [copy] = (await flaky.scan()).copies;
  const dst = memoryStore("dst");
  const destination = new Copies(dst, { taskId: "copy", log });

  const error = await transferCopy(copy!, flaky, destination, { taskId: "copy", signal: new AbortController().signal }).then(() => null, (e: Error) => e);
  expect(error).toBeInstanceOf(BackendError);
  expect(error!.message).toContain("src:2022-05-01T06:59:17+00:00/db.sql");
  expect(error!.message).toContain("ECONNRESET");
  expect([...dst.data.keys()]).toEqual([]);
});
