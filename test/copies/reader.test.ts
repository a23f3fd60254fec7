/**
 * Reading a copy's objects (verify, restore, replicate): a store that fails
 * part-way through an object is a storage failure naming the object, never
 * an error palhm reports as its own bug.
 */
import { expect, test } from "bun:test";
import { Copies } from "../../src/copies/copies.ts";
import { BackendError } from "../../src/errors.ts";
import { log } from "../../src/log.ts";
import { digestStream } from "../../src/restore/hash-stream.ts";
import { memoryStore } from "../_support/memory-store.ts";

const P = "2022-05-01T06:59:17+00:00";

test("an object whose bytes stop with an I/O error rejects with a BackendError naming the object", async () => {
  const store = memoryStore("mem");
  const w = await new Copies(store, { taskId: "t", log }).createCopy(P);
  const sink = await w.openSink("etc.tar");
  await sink.write(new Uint8Array(100));
  await sink.close();
  await w.commit({ format: 1, task: "t", host: "h", prefix: P, start: "s", end: "e", version: "0", objects: [] });
  store.read = async () =>
    new ReadableStream<Uint8Array>({
      pull: (c) => c.error(Object.assign(new Error("EIO: i/o error, read"), { code: "EIO" })),
    });

  const copy = await new Copies(store, { taskId: "t", log }).openCopy(P);
  const error = await digestStream(await copy.read("etc.tar")).then(() => null, (e: Error) => e);
  expect(error).toBeInstanceOf(BackendError);
  expect(error!.message).toBe(`mem:${P}/etc.tar: reading failed: EIO: i/o error, read`);
});
