/**
 * One run at a time per task and backend root, through the real CLI: a
 * second backup fails at once (exit 75) naming the running process; a lock of
 * another boot, or of a run that died and is a zombie not yet reaped, is
 * taken over; `palhm restore` holds the same lock, so a
 * backup (and its rotation) cannot remove the copy being restored.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, readdirSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { lockPath } from "../../src/run/lock.ts";
import { childrenOf } from "../_support/process.ts";
import { copiesOf, hashTree } from "../_support/copies.ts";
import { faultProject, q, runPalhm, scratch, startPalhm } from "./_support.ts";
import { mkfifo, readFifo, writeFifo } from "../_support/process.ts";

const tmp = scratch("lock");
afterAll(() => tmp.dispose());

/**
 * Task `backup` (nbCopyLimit 1) storing one object. With `gate`, its pipeline says
 * `ready` then waits for a line on `hold`; its restore pipeline does the same after writing `out`.
 */
function tasks(root: string, gate: { ready: string; hold: string; out: string } | null): string {
  const wait = gate ? `echo $$ > ${gate.ready}; read x < ${gate.hold}` : "true";
  return `{ backup: { type: "backup", backend: { type: "localfs", root: ${q(root)}, nbCopyLimit: 1 }, objects: [{
    path: "data",
    pipeline: [{ argv: ["sh", "-c", ${q(`echo payload; ${wait}`)}] }],
    restore: [{ argv: ["sh", "-c", ${q(`cat > ${gate?.out ?? "/dev/null"}; ${wait}`)}] }],
  }] } }`;
}

function gate(d: string) {
  return { ready: mkfifo(`${d}-ready`), hold: mkfifo(`${d}-hold`), out: join(d, "restored") };
}

describe("the run lock through the CLI", () => {
  test("a second backup of the same task and root fails at once with exit 75 naming the running process; the first completes", async () => {
    const d = tmp.next();
    const root = join(d, "root");
    const g = gate(d);
    const p = faultProject(d, tasks(root, g));
    const first = startPalhm(p, ["run", "backup"]);
    await readFifo(g.ready);
    const t0 = performance.now();
    const second = await runPalhm(p, ["run", "backup"]);
    expect(second.status).toBe(75);
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(second.stderr).toContain(`pid ${first.pid}`);
    expect(second.stderr).toContain("already running");
    expect(second.stderr).toContain(realpathSync(root));
    await writeFifo(g.hold);
    expect(await first.exited).toBe(0);
    expect(copiesOf(root).map((c) => c.state)).toEqual(["complete"]);
  });

  test("a lock taken in another boot is taken over with a warning naming that boot", async () => {
    const d = tmp.next();
    const root = join(d, "root");
    mkdirSync(root, { recursive: true });
    const p = faultProject(d, tasks(root, null));
    const key = `backup\0backup\0localfs:${realpathSync(root)}`;
    mkdirSync(p.locks, { recursive: true });
    const other = "00000000-1111-2222-3333-444444444444";
    // Its pid is alive now (this test's own): only the boot id tells it is stale.
    writeFileSync(lockPath(key, p.locks), JSON.stringify({ pid: process.pid, bootId: other, startTime: "2020-01-01T00:00:00Z", procStart: "", key }));
    const r = await runPalhm(p, ["run", "backup"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("taking over the lock");
    expect(r.stderr).toContain(`another boot (${other})`);
    expect(readdirSync(p.locks)).toEqual([]);
  });
});

describe("a lock whose owner died but is not reaped yet", () => {
  test("a palhm killed while its parent never reaps it (a zombie) does not block the next run: the lock is taken over", async () => {
    const d = tmp.next();
    const root = join(d, "root");
    const g = gate(d);
    const p = faultProject(d, tasks(root, g));
    // The parent starts palhm and becomes a `sleep` that never waits for it: palhm, once killed, stays a zombie.
    const parent = startPalhm(p, ["run", "backup"], { wrap: ["sh", "-c", '"$@" & exec sleep 120', "sh"] });
    try {
      const ownerPid = Number(await readFifo(g.ready).then(() => childrenOf(parent.pid)[0]));
      expect(ownerPid).toBeGreaterThan(0);
      process.kill(ownerPid, "SIGKILL");
      const state = () => { try { return readFileSync(`/proc/${ownerPid}/stat`, "utf8").split(") ")[1]![0]; } catch { return "gone"; } };
      const deadline = performance.now() + 10_000;
      while (state() !== "Z" && performance.now() < deadline) await Bun.sleep(20);
      expect(state()).toBe("Z");
      expect(readdirSync(p.locks).filter((f) => f.endsWith(".lock")).length).toBe(1);

      const next = await runPalhm(faultProject(d, tasks(root, null)), ["run", "backup"]);
      expect(next.status).toBe(0);
      expect(next.stderr).toContain("taking over the lock");
      expect(next.stderr).toContain(`its process ${ownerPid} is dead (a zombie`);
      expect(copiesOf(root).map((c) => c.state)).toEqual(["complete"]);
    } finally {
      parent.kill("SIGKILL");
      await parent.exited;
    }
  });
});

describe("restore holds the task's lock", () => {
  test("a backup started while a restore runs fails with exit 75, so its rotation cannot remove the copy being restored", async () => {
    const d = tmp.next();
    const root = join(d, "root");
    const plain = faultProject(d, tasks(root, null));
    expect((await runPalhm(plain, ["run", "backup"])).status).toBe(0);
    const [copy] = copiesOf(root);
    const before = hashTree(root);

    const g = gate(d);
    const p = faultProject(d, tasks(root, g));
    const restore = startPalhm(p, ["restore", "backup"]);
    await readFifo(g.ready);
    const backup = await runPalhm(faultProject(d, tasks(root, null)), ["run", "backup"]);
    expect(backup.status).toBe(75);
    expect(backup.stderr).toContain(`pid ${restore.pid}`);
    // nbCopyLimit 1: a backup that ran would have rotated the copy away.
    expect(hashTree(root)).toEqual(before);
    await writeFifo(g.hold);
    expect(await restore.exited).toBe(0);
    expect(readFileSync(g.out, "utf8")).toBe("payload\n");
    expect(copiesOf(root)).toEqual([copy!]);
  });

  test("a restore started while a backup runs fails with exit 75 naming the backup's process", async () => {
    const d = tmp.next();
    const root = join(d, "root");
    expect((await runPalhm(faultProject(d, tasks(root, null)), ["run", "backup"])).status).toBe(0);
    const g = gate(d);
    const p = faultProject(d, tasks(root, g));
    const backup = startPalhm(p, ["run", "backup"]);
    await readFifo(g.ready);
    const restore = await runPalhm(p, ["restore", "backup", "--to", join(d, "out")]);
    expect(restore.status).toBe(75);
    expect(restore.stderr).toContain(`pid ${backup.pid}`);
    await writeFifo(g.hold);
    expect(await backup.exited).toBe(0);
    // Released by both: a restore now goes through.
    const later = await runPalhm(faultProject(d, tasks(root, null)), ["restore", "backup", "--to", join(d, "out")]);
    expect(later.status).toBe(0);
    expect(readFileSync(join(d, "out", "data"), "utf8")).toBe("payload\n");
  });
});
