/** Closing a task's copies: a store whose close fails is warned about; the run's outcome stands and no bug is reported. */
import { expect, test } from "bun:test";
import { Copies } from "../../src/copies/copies.ts";
import { log } from "../../src/log.ts";
import { memoryStore } from "../_support/memory-store.ts";

test("a store whose close() throws: close resolves, with a warning naming the store and the cause", async () => {
  const store = Object.assign(memoryStore("vault"), {
    close: async () => {
      throw new Error("socket already closed");
    },
  });
  const warned: string[] = [];
  const copies = new Copies(store, { taskId: "t", log: Object.assign(Object.create(log), { warn: (m: string) => void warned.push(m) }) });
  await copies.close();
  expect(warned).toEqual(["vault:: closing the store failed: socket already closed"]);
});
