/**
 * A copy being written: a sink whose opening was still under way when the
 * copy was rolled back (a fan-out destination left out by another object's
 * failure) leaves nothing behind: no object file, no folder that would read as
 * a legacy copy, no open file.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Store } from "../../src/backends/store.ts";
import { LocalfsStore } from "../../src/backends/localfs/store.ts";
import { Copies } from "../../src/copies/copies.ts";
import { log } from "../../src/log.ts";
import { memoryStore } from "../_support/memory-store.ts";
import { fileTempDir } from "../_support/tmp.ts";

const base = fileTempDir("writer");
const P = "2022-05-01T06:59:17+00:00";

/** `store` whose next openSink waits until `release()` is called; `aborted` counts the sinks it aborted. */
function gated(store: Store) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let aborted = 0;
  let waiting = false;
  const wrapped: Store = Object.assign(Object.create(store), {
    openSink: async (key: string) => {
      waiting = true;
      await gate;
      const sink = await store.openSink(key);
      return { ...sink, abort: async (reason?: unknown) => { aborted++; await sink.abort(reason); } };
    },
  });
  return { store: wrapped, release, aborted: () => aborted, waiting: () => waiting };
}

const keys = async (store: Store) => {
  const out: string[] = [];
  for await (const e of store.list("")) out.push(e.key);
  return out;
};

const stores: [string, () => Store][] = [
  ["memory", () => memoryStore()],
  ["localfs", () => new LocalfsStore({ root: mkdtempSync(join(base, "r")), dmode: 0o750, fmode: 0o640 })],
];

for (const [kind, make] of stores) {
  describe(`a sink opened while its copy is rolled back (${kind} store)`, () => {
    test("is refused, closed, and leaves no key and no copy behind", async () => {
      const inner = make();
      const g = gated(inner);
      const copies = new Copies(g.store, { taskId: "t", log });
      const w = await copies.createCopy(P);
      const opening = w.openSink("late.sql");
      const outcome = opening.then(() => "opened", (e: Error) => e.message);
      for (const deadline = Date.now() + 30_000; !g.waiting() && Date.now() < deadline; ) await Bun.sleep(1);
      await w.rollback();
      g.release();
      const result = await outcome;
      expect(await keys(inner)).toEqual([]);
      expect(await new Copies(inner, { taskId: "t", log }).listCopies()).toEqual([]);
      if (inner instanceof LocalfsStore) expect(readdirSync(inner.root)).toEqual([]);
      expect(result).toContain("rolled back");
      expect(g.aborted()).toBe(1);
    });
  });
}
