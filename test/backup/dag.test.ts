import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Schedule, groupLevels, runScheduled } from "../../src/backup/dag.ts";
import { runBackup } from "../../src/backup/run.ts";
import { ex, sh } from "../_support/context.ts";
import { backupContext, task } from "../_support/backup.ts";
import { fileTempDir } from "../_support/tmp.ts";

const g = (id: string, ...depends: string[]) => ({ id, depends });
const item = (name: string, group: string) => ({ name, group });
const names = (xs: { name: string }[]) => xs.map((x) => x.name);

describe("object group DAG (scheduling)", () => {
  test("groups without dependencies start at once; a group waits for its dependencies, transitively, even through an empty group", () => {
    const groups = [g("default"), g("a"), g("empty", "a"), g("c", "empty"), g("d")];
    const items = [item("a1", "a"), item("a2", "a"), item("c1", "c"), item("d1", "d"), item("x", "default")];
    const s = new Schedule(groups, items);
    expect(names(s.startable())).toEqual(["a1", "a2", "d1", "x"]);
    const [a1, a2] = items;
    s.start(a1!);
    s.finish(a1!);
    expect(names(s.startable())).toEqual(["a2", "d1", "x"]);
    s.start(a2!);
    expect(names(s.startable())).not.toContain("c1");
    s.finish(a2!);
    expect(names(s.startable())).toContain("c1");
  });

  test("levels list groups in an order that respects every dependency", () => {
    expect(groupLevels([g("default"), g("db", "fs"), g("fs"), g("final", "db", "default")])).toEqual([["default", "fs"], ["db"], ["final"]]);
  });

  test("a cycle is named", () => {
    expect(() => new Schedule([g("a", "b"), g("b", "a")], [])).toThrow("a → b → a");
  });

  async function maxConcurrency(workers: number, count: number): Promise<number> {
    let running = 0;
    let max = 0;
    const items = Array.from({ length: count }, (_, i) => item(`o${i}`, "default"));
    await runScheduled(new Schedule([g("default")], items), workers, async () => {
      running++;
      max = Math.max(max, running);
      await Promise.resolve();
      await Promise.resolve();
      running--;
    }, () => {});
    return max;
  }

  test("never more than `workers` at once; 1 is strictly sequential", async () => {
    expect(await maxConcurrency(1, 6)).toBe(1);
    expect(await maxConcurrency(3, 6)).toBe(3);
    expect(await maxConcurrency(10, 4)).toBe(4);
  });

  test("after a failure nothing new starts, the running ones are told to stop and awaited, and the first error is rethrown", async () => {
    const started: string[] = [];
    const stopped: unknown[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const items = [item("slow", "default"), item("bad", "default"), item("later", "default")];
    const boom = new Error("boom");
    const run = runScheduled(new Schedule([g("default")], items), 2, async (it) => {
      started.push(it.name);
      if (it.name === "slow") return held;
      throw boom;
    }, (e) => {
      stopped.push(e);
      release();
    });
    await expect(run).rejects.toBe(boom);
    expect(started).toEqual(["slow", "bad"]);
    expect(stopped).toEqual([boom]);
  });
});

describe("object group DAG (observed from the processes)", () => {
  const dir = fileTempDir("dag");
  const logFile = (name: string) => join(dir, name);
  const marker = (log: string, id: string) => sh(`echo "start ${id}" >> "$0"; seq 20000 | sha256sum >/dev/null; echo "end ${id}" >> "$0"`, {}, log);

  test("every object of a group's dependencies ends before any object of the group starts", async () => {
    const log = logFile("order");
    const t = task({ type: "null" }, [
      { path: "c1", group: "c", pipeline: [marker(log, "c1")] },
      { path: "a1", group: "a", pipeline: [marker(log, "a1")] },
      { path: "a2", group: "a", pipeline: [marker(log, "a2")] },
      { path: "b1", group: "b", pipeline: [marker(log, "b1")] },
    ], [g("a"), g("b", "a"), g("c", "b")]);
    await runBackup(t, backupContext(t, { workers: 4 }).ctx);
    const lines = readFileSync(log, "utf8").trim().split("\n");
    const at = (s: string) => lines.indexOf(s);
    for (const a of ["a1", "a2"]) expect(at(`end ${a}`)).toBeLessThan(at("start b1"));
    expect(at("end b1")).toBeLessThan(at("start c1"));
    expect(lines).toHaveLength(8);
  });

  test("objects of independent groups run at the same time (one cannot finish without the other)", async () => {
    const fifo = logFile("fifo");
    Bun.spawnSync(["mkfifo", fifo]);
    const t = task({ type: "null" }, [
      { path: "writer", group: "x", pipeline: [sh(`echo hi > "$0"`, {}, fifo)] },
      { path: "reader", group: "y", pipeline: [ex(["cat", fifo])] },
    ], [g("x"), g("y")]);
    const r = await runBackup(t, backupContext(t, { workers: 2 }).ctx);
    expect(r.objects.find((o) => o.path === "reader")?.size).toBe(3);
  });

  test("with workers 1, objects run one after another", async () => {
    const log = logFile("seq");
    const t = task({ type: "null" }, ["o1", "o2", "o3", "o4"].map((id) => ({ path: id, pipeline: [marker(log, id)] })));
    await runBackup(t, backupContext(t, { workers: 1 }).ctx);
    const lines = readFileSync(log, "utf8").trim().split("\n");
    expect(lines).toEqual(["o1", "o2", "o3", "o4"].flatMap((id) => [`start ${id}`, `end ${id}`]));
  });
});
