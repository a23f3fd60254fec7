/**
 * The copy protocol on a Store, once for every store: the in-memory one of
 * the tests and the real localfs one. What a copy's state is at every step,
 * whose copies a task may remove, and what a run killed at any step leaves.
 */
import { describe, expect, test } from "bun:test";
import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Store } from "../../src/backends/store.ts";
import { LocalfsStore } from "../../src/backends/localfs/store.ts";
import { Copies } from "../../src/copies/copies.ts";
import { encodeMark, newMark } from "../../src/copies/mark.ts";
import { MANIFEST_NAME, MARK_NAME } from "../../src/copies/names.ts";
import type { Manifest } from "../../src/backup/manifest.ts";
import { log } from "../../src/log.ts";
import { memoryStore } from "../_support/memory-store.ts";
import { fileTempDir } from "../_support/tmp.ts";

const base = fileTempDir("copies");
let n = 0;

const stores: [string, () => Store][] = [
  ["memory", () => memoryStore()],
  ["localfs", () => new LocalfsStore({ root: join(base, `r${n++}`), dmode: 0o750, fmode: 0o640 })],
];

const P1 = "2022-05-01T06:59:17+00:00";
const P2 = "2022-05-02T06:59:17+00:00";
const P3 = "2022-05-03T06:59:17+00:00";
const bytes = (s: string) => new TextEncoder().encode(s);
const copiesOf = (store: Store, taskId = "t") => new Copies(store, { taskId, log });
const manifest = (task: string, prefix: string): Manifest => ({ format: 1, task, host: "h", prefix, start: "s", end: "e", version: "0", objects: [] });
const noLimit = { nbCopyLimit: null, rootSizeLimit: null };
const keys = async (store: Store) => {
  const out: string[] = [];
  for await (const e of store.list("")) out.push(e.key);
  return out.sort();
};

/** A whole run's storage calls: a copy with two objects, committed, then rotation. */
async function backup(copies: Copies, prefix: string, nbCopyLimit: bigint | null = null) {
  const w = await copies.createCopy(prefix);
  for (const path of ["a", "d/b"]) {
    const sink = await w.openSink(path);
    await sink.write(bytes(`${path} of ${prefix}`));
    await sink.close();
  }
  await w.commit(manifest(copies.taskId, prefix));
  return copies.rotate(prefix, { nbCopyLimit, rootSizeLimit: null });
}

for (const [kind, make] of stores) {
  describe(`copy states (${kind} store)`, () => {
    test("a copy holding its manifest and a mark is complete, and the next run drops the stray mark", async () => {
      const store = make();
      const copies = copiesOf(store);
      await backup(copies, P1);
      await store.put(`${P1}/${MARK_NAME}`, encodeMark({ task: "t", pid: 2 ** 22 + 1, host: "gone" }));
      expect(await copies.listCopies()).toMatchObject([{ prefix: P1, state: "complete" }]);
      await copies.cleanLeftovers();
      expect(await keys(store)).toEqual([`${P1}/${MANIFEST_NAME}`, `${P1}/a`, `${P1}/d/b`]);
    });

    test("a manifest that cannot be parsed makes the copy damaged, and the others still list", async () => {
      const store = make();
      const copies = copiesOf(store);
      await backup(copies, P1);
      await backup(copies, P2);
      await store.put(`${P1}/${MANIFEST_NAME}`, bytes('{"format": 1, "task": "t", "objec'));
      expect((await copies.listCopies()).map((c) => [c.prefix, c.state])).toEqual([[P1, "damaged"], [P2, "complete"]]);
      await expect((await copies.openCopy(P1)).manifest()).rejects.toThrow(`copy ${P1} is damaged`);
    });
  });

  describe(`copies belong to their task (${kind} store)`, () => {
    test("another task's complete and incomplete copies are not listed, not cleaned up and not rotated", async () => {
      const store = make();
      const a = copiesOf(store, "a");
      const b = copiesOf(store, "b");
      await backup(a, P1);
      const live = await a.createCopy(P2); // A's run is still writing (or died: B cannot tell, and must not care)
      await (await live.openSink("x")).close();
      expect(await b.listCopies()).toEqual([]);
      await b.cleanLeftovers();
      const r = await backup(b, P3, 1n);
      expect(r.removed).toEqual([]);
      expect((await a.listCopies()).map((c) => [c.prefix, c.state])).toEqual([[P1, "complete"], [P2, "incomplete"]]);
      expect((await b.listCopies()).map((c) => [c.prefix, c.state])).toEqual([[P3, "complete"]]);
    });

    test("a mark naming no task (an earlier version's) belongs to the task that finds it, and so do legacy copies", async () => {
      const store = make();
      const copies = copiesOf(store);
      await store.put(`${P1}/old.tar`, bytes("legacy"));
      await store.put(`${P2}/${MARK_NAME}`, bytes("{}"));
      await store.put(`${P2}/half`, bytes("half"));
      expect((await copies.listCopies()).map((c) => [c.prefix, c.state])).toEqual([[P1, "legacy"], [P2, "incomplete"]]);
      expect((await copies.cleanLeftovers()).removed).toEqual([P2]);
      expect((await backup(copies, P3, 1n)).removed).toEqual([P1]);
      expect((await copies.listCopies()).map((c) => c.prefix)).toEqual([P3]);
    });

    test("an incomplete copy of the task whose writer is alive on this host is left alone", async () => {
      const store = make();
      const copies = copiesOf(store);
      await store.put(`${P1}/${MARK_NAME}`, encodeMark(newMark("t")));
      expect((await copies.cleanLeftovers()).removed).toEqual([]);
      expect((await copies.listCopies()).map((c) => c.state)).toEqual(["incomplete"]);
    });
  });

  describe(`a run stopped at any storage call (${kind} store)`, () => {
    /** The calls one run makes, counted once without faults. */
    async function callsOfOneRun(): Promise<number> {
      let calls = 0;
      const store = _failing(make(), () => void calls++);
      await backup(copiesOf(store), P2, 1n);
      return calls;
    }

    test("never leaves an uncounted empty copy or a permanent stray mark: the next run cleans up and keeps its limit", async () => {
      const total = await callsOfOneRun();
      expect(total).toBeGreaterThan(8);
      for (let stopAt = 1; stopAt <= total; stopAt++) {
        const inner = make();
        await backup(copiesOf(inner), P1);
        let calls = 0;
        const dying = _failing(inner, () => {
          if (++calls >= stopAt) throw new Error(`killed at call ${stopAt}`);
        }, _deadWriter);
        // From that call on, every call fails: the run throws, or (mark removal after the commit, rotation) reports and goes on.
        await backup(copiesOf(dying), P2, 1n).catch(() => {});
        // What the dead run left: no copy without a mark or a manifest besides P1's, which is complete or being removed.
        const left = await copiesOf(inner).listCopies();
        for (const c of left) expect(c.state === "legacy" || c.state === "damaged").toBe(false);
        // The next run, not stopped.
        const next = copiesOf(inner);
        await next.cleanLeftovers();
        await backup(next, P3, 1n);
        expect(await next.listCopies(), `stopped at call ${stopAt}`).toMatchObject([{ prefix: P3, state: "complete" }]);
        expect((await keys(inner)).filter((k) => k.endsWith(MARK_NAME))).toEqual([]);
      }
    });

    test("a run that fails at any call before its commit and rolls back leaves nothing of its copy", async () => {
      const total = await callsOfOneRun();
      for (let failAt = 2; failAt <= total; failAt++) {
        const inner = make();
        let calls = 0;
        let armed = true;
        const store = _failing(inner, () => {
          if (armed && ++calls >= failAt) throw new Error(`store failure at call ${failAt}`);
        });
        const copies = copiesOf(store);
        const w = await copies.createCopy(P1).catch(() => null);
        if (!w) continue;
        const ok = await (async () => {
          for (const path of ["a", "d/b"]) {
            const sink = await w.openSink(path);
            await sink.write(bytes(path));
            await sink.close();
          }
          await w.commit(manifest("t", P1));
        })().then(() => true, () => false);
        if (ok) break;
        armed = false;
        await w.rollback();
        expect(await keys(inner), `failed at call ${failAt}`).toEqual([]);
      }
    });
  });
}

/** A process that has exited: the marks of the run "killed" in these tests name it, as a dead run's would. */
const _deadPid = (() => {
  const p = Bun.spawnSync(["true"]);
  return p.pid;
})();

/** Marks written by the dying run name a process that is gone. */
function _deadWriter(key: string, data: Uint8Array): Uint8Array {
  if (!key.endsWith(MARK_NAME)) return data;
  return bytes(JSON.stringify({ ...JSON.parse(new TextDecoder().decode(data)), pid: _deadPid }));
}

/**
 * `inner` with `before` called ahead of every call a run makes (sink calls
 * included); `before` may throw to fail the call. `rewrite` changes what is put.
 */
function _failing(inner: Store, before: () => void, rewrite: (key: string, data: Uint8Array) => Uint8Array = (_k, d) => d): Store {
  const wrap = <A extends unknown[], R>(fn: (...a: A) => R) => (...a: A): R => {
    before();
    return fn(...a);
  };
  return {
    capabilities: inner.capabilities,
    location: (k) => inner.location(k),
    listDirs: wrap((d: string) => inner.listDirs(d)),
    list: (d) => {
      before();
      return inner.list(d);
    },
    openSink: wrap(async (k: string, o?: Parameters<Store["openSink"]>[1]) => {
      const s = await inner.openSink(k, o);
      return { write: wrap((c: Uint8Array) => s.write(c)), close: wrap(() => s.close()), abort: (r?: unknown) => s.abort(r) };
    }),
    put: wrap((k: string, d: Uint8Array, o?: Parameters<Store["put"]>[2]) => inner.put(k, rewrite(k, d), o)),
    read: wrap((k: string) => inner.read(k)),
    remove: wrap((k: readonly string[]) => inner.remove(k)),
    ...(inner.prune ? { prune: wrap((d: string) => inner.prune!(d)) } : {}),
  };
}

describe("a run of an earlier version killed right after creating a copy's directory (localfs)", () => {
  test("the empty prefix directory is no copy (not listed, not counted) and the next run removes it", async () => {
    const root = join(base, `empty${n++}`);
    const store = new LocalfsStore({ root, dmode: 0o750, fmode: 0o640 });
    const copies = copiesOf(store);
    await backup(copies, P1);
    mkdirSync(join(root, P2));
    expect((await copies.listCopies()).map((c) => c.prefix)).toEqual([P1]);
    await copies.cleanLeftovers();
    expect(readdirSync(root)).toEqual([P1]);
  });
});
