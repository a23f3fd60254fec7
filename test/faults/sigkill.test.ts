/**
 * `kill -9` of palhm mid-pipeline: no handler of palhm's runs. Its children
 * die with it (the kernel's parent-death signal), its copy stays marked
 * incomplete, and the next run takes over the lock, removes that copy and
 * does not count it in rotation; the complete copies stay intact.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { copiesOf, hashTree } from "../_support/copies.ts";
import { faultProject, markedAtLeast, q, runPalhm, scratch, survivors, startPalhm } from "./_support.ts";
import { mkfifo, readFifo } from "../_support/process.ts";

const tmp = scratch("sigkill");
afterAll(() => tmp.dispose());

/** A task storing `note` always, and `big.gz` through a three-process pipeline that says its pid on `ready` (when given) and then hangs. */
function tasks(root: string, ready: string | null, limit: number): string {
  const hang = ready ? `head -c 300000 /dev/urandom; echo $$ > ${ready}; exec sleep 60` : "head -c 300000 /dev/urandom";
  return `{ backup: { type: "backup", backend: { type: "localfs", root: ${q(root)}, nbCopyLimit: ${limit} }, objects: [
    { path: "note", pipeline: [{ argv: ["echo", "note"] }] },
    { path: "big.gz", pipeline: [{ argv: ["sh", "-c", ${q(hang)}] }, { argv: ["gzip", "-1"] }, { argv: ["cat"] }] }] } }`;
}

/** Runs the task to completion once, then a second time killed with SIGKILL mid-pipeline. */
async function completeThenKill(d: string, limit: number) {
  const root = join(d, "root");
  const good = faultProject(d, tasks(root, null, limit));
  expect((await runPalhm(good, ["run", "backup"])).status).toBe(0);
  const [complete] = copiesOf(root);
  const before = hashTree(join(root, complete!.prefix));

  const ready = mkfifo(`${d}-ready`);
  const doomed = faultProject(d, tasks(root, ready, limit));
  const proc = startPalhm(doomed, ["run", "backup"]);
  await readFifo(ready);
  expect((await markedAtLeast(doomed.token, 4, 2000)).length).toBeGreaterThanOrEqual(4); // palhm, sh (sleep now), gzip, cat
  proc.kill("SIGKILL");
  expect(await proc.exited).toBe(137);
  return { root, complete: complete!, before, doomed };
}

describe("palhm killed with SIGKILL mid-pipeline", () => {
  test("its children do not outlive it; its copy is left marked incomplete and the complete one untouched", async () => {
    const d = tmp.next();
    const { root, complete, before, doomed } = await completeThenKill(d, 2);
    // sleep would run for a minute and gzip/cat would wait on it: only the parent-death signal ends them.
    expect(await survivors(doomed.token, 2000)).toEqual([]);
    const copies = copiesOf(root);
    expect(copies.map((c) => c.state)).toEqual(["complete", "incomplete"]);
    expect(copies[0]!.prefix).toBe(complete.prefix);
    expect(hashTree(join(root, complete.prefix))).toEqual(before);
  });

  test("the next run takes over the lock, removes the incomplete copy and does not count it in rotation", async () => {
    const d = tmp.next();
    const { root, complete, before, doomed } = await completeThenKill(d, 2);
    const [, incomplete] = copiesOf(root);
    await survivors(doomed.token, 2000);
    const next = faultProject(d, tasks(root, null, 2));
    const r = await runPalhm(next, ["run", "backup"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/taking over the lock .* is gone/);
    expect(r.stderr).toContain(`removing ${incomplete!.prefix}`);
    // The summary does not call that rotation.
    expect(r.stderr).toContain(`rotation removed nothing, earlier copies kept; removed 1 incomplete copy left by a run that died (${incomplete!.prefix})`);
    // nbCopyLimit 2: had the dead run's copy counted, the old complete copy would have gone.
    const after = copiesOf(root);
    expect(after.map((c) => c.state)).toEqual(["complete", "complete"]);
    expect(after[0]!.prefix).toBe(complete.prefix);
    expect(hashTree(join(root, complete.prefix))).toEqual(before);
  });

  test("under -q, as cron and systemd run it, the next run still says that the previous one died", async () => {
    const d = tmp.next();
    const { root, doomed } = await completeThenKill(d, 2);
    await survivors(doomed.token, 2000);
    const r = await runPalhm(faultProject(d, tasks(root, null, 2)), ["-q", "run", "backup"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/taking over the lock of task "backup" .* left by pid \d+, started .*: its process \d+ is gone/);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(copiesOf(root).map((c) => c.state)).toEqual(["complete", "complete"]);
  });

  test("with nbCopyLimit 1, the complete copy is only rotated away once a new one is complete", async () => {
    const d = tmp.next();
    const { root, complete, before, doomed } = await completeThenKill(d, 1);
    await survivors(doomed.token, 2000);
    // While only the dead run's incomplete copy exists beside it, the complete copy is all there is: kept.
    expect(copiesOf(root).map((c) => c.state)).toEqual(["complete", "incomplete"]);
    expect(hashTree(join(root, complete.prefix))).toEqual(before);
    const r = await runPalhm(faultProject(d, tasks(root, null, 1)), ["run", "backup"]);
    expect(r.status).toBe(0);
    const after = copiesOf(root);
    expect(after.map((c) => c.state)).toEqual(["complete"]);
    expect(after[0]!.prefix > complete.prefix).toBe(true);
  });
});

describe("palhm killed with SIGKILL during a hooks.d executable", () => {
  test("the hook's process does not outlive it, and nothing of the copy was written", async () => {
    const d = tmp.next();
    const root = join(d, "root");
    const ready = mkfifo(`${d}-ready`);
    const p = faultProject(d, tasks(root, null, 2));
    const hooksDir = join(d, "hooks.d");
    mkdirSync(hooksDir, { mode: 0o755 });
    writeFileSync(join(hooksDir, "10-block"), `#!/bin/sh\n[ "$2" = pre ] || exit 0\necho $$ > ${ready}\nexec sleep 60\n`, { mode: 0o755 });
    const proc = startPalhm(p, ["run", "backup"], { env: { PALHM_HOOKS: hooksDir } });
    await readFifo(ready);
    expect((await markedAtLeast(p.token, 2, 2000)).length).toBeGreaterThanOrEqual(2); // palhm and the hook (sleep now)
    proc.kill("SIGKILL");
    expect(await proc.exited).toBe(137);
    expect(await survivors(p.token, 2000)).toEqual([]);
    expect(copiesOf(root)).toEqual([]);
  });
});
