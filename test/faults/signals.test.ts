/**
 * SIGINT and SIGTERM to a real `palhm run` at each stage of a backup: during
 * a pre hook, mid-pipeline, during an S3 upload, during rotation. Each time:
 * exit 130/143 within seconds, error and finally hooks run, no process palhm
 * started still alive (found in /proc by a token in their environment), and
 * no partial copy left behind.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { startLoopbackS3, s3ErrorResponse, type LoopbackS3 } from "../_support/servers/loopback-s3.ts";
import { copiesOf } from "../_support/copies.ts";
import { faultProject, markedAtLeast, q, scratch, survivors, type FaultProject, startPalhm } from "./_support.ts";
import { s3Env } from "../_support/servers/s3rver.ts";
import { mkfifo, readFifo, watch } from "../_support/process.ts";

const tmp = scratch("signals");
let s3: LoopbackS3;
beforeAll(() => {
  s3 = startLoopbackS3("sig-bucket");
});
afterAll(async () => {
  await s3.stop();
  tmp.dispose();
});

const SIGNALS = [["SIGINT", 130], ["SIGTERM", 143]] as const;
const localfs = (root: string, extra = "") => `{ type: "localfs", root: ${q(root)}${extra} }`;
const s3Backend = (root: string, extra = "") => `{ type: "aws-s3", bucket: ${q(s3.bucket)}, root: ${q(root)}, endpoint: ${q(s3.endpoint)}${extra} }`;

/** Signals palhm once it is where the test wants it, and checks everything a user relies on after an interrupt. */
async function interrupt(p: FaultProject, sig: NodeJS.Signals, status: number, reached: (proc: ReturnType<typeof startPalhm>) => Promise<void>) {
  const proc = startPalhm(p, ["run", "backup"], { env: s3Env() });
  const err = watch(proc.stderr);
  await reached(proc);
  expect((await markedAtLeast(p.token, 2, 2000)).length).toBeGreaterThan(1); // palhm and at least one child of it
  const t0 = performance.now();
  proc.kill(sig);
  expect(await proc.exited).toBe(status);
  expect(performance.now() - t0).toBeLessThan(5000);
  await err.done;
  expect(err.text).toContain(`interrupted by ${sig}`);
  expect(p.journalLines().slice(-2)).toEqual(["backup error", "backup finally"]);
  expect(await survivors(p.token, 2000)).toEqual([]);
  return err.text;
}

describe("an interrupted backup", () => {
  for (const [sig, status] of SIGNALS) {
    test(`${sig} during a pre hook stops the hook's process, runs error/finally hooks, creates no copy, exits ${status}`, async () => {
      const d = tmp.next();
      const ready = mkfifo(`${d}-ready`);
      const root = join(d, "root");
      const p = faultProject(d, `{ backup: { type: "backup", backend: ${localfs(root)}, objects: [{ path: "a", pipeline: [{ argv: ["echo", "a"] }] }],
        hooks: { backup: { pre: async (ctx) => { await ctx.$\`echo $$ > ${ready}; exec sleep 60\`; } } } } }`);
      await interrupt(p, sig, status, () => readFifo(ready).then(() => {}));
      expect(p.journalLines()).toEqual(["backup pre", "backup error", "backup finally"]);
      expect(copiesOf(root)).toEqual([]);
    });

    test(`${sig} mid-pipeline (bytes already stored) stops every process of the pipeline and rolls the copy back, exits ${status}`, async () => {
      const d = tmp.next();
      const ready = mkfifo(`${d}-ready`);
      const root = join(d, "root");
      // The first process has written 1 MB, then sleeps; gzip and cat keep the bytes flowing to palhm.
      const producer = `head -c 1000000 /dev/urandom; echo $$ > ${ready}; exec sleep 60`;
      const p = faultProject(d, `{ backup: { type: "backup", backend: ${localfs(root)}, objects: [
        { path: "done.txt", pipeline: [{ argv: ["echo", "done"] }] },
        { path: "dir/big.gz", pipeline: [{ argv: ["sh", "-c", ${q(producer)}] }, { argv: ["gzip", "-1"] }, { argv: ["cat"] }] }] } }`);
      await interrupt(p, sig, status, () => readFifo(ready).then(() => {}));
      expect(p.journalLines()).toEqual(["backup pre", "backup error", "backup finally"]);
      expect(copiesOf(root)).toEqual([]);
    });

    test(`${sig} during an S3 multipart upload aborts the upload and deletes the copy's objects, exits ${status}`, async () => {
      const d = tmp.next();
      const root = `sig/${sig}/up`;
      const p = faultProject(d, `{ backup: { type: "backup", backend: ${s3Backend(root)}, objects: [
        { path: "small", pipeline: [{ argv: ["echo", "small"] }] },
        { path: "big", pipeline: [{ argv: ["sh", "-c", "head -c 20000000 /dev/zero; exec sleep 60"] }] }] } }`);
      const uploading = Promise.withResolvers<void>();
      s3.fault = (r) => {
        if (r.query.has("partNumber") && r.key.endsWith("/big")) uploading.resolve();
        return undefined;
      };
      try {
        await interrupt(p, sig, status, () => uploading.promise);
      } finally {
        s3.fault = null;
      }
      expect([...s3.objects.keys()].filter((k) => k.startsWith(root))).toEqual([]);
      expect([...s3.uploads.values()].filter((u) => u.key.startsWith(root))).toEqual([]);
    });

    test(`${sig} during rotation keeps the new complete copy, runs error/finally hooks, exits ${status}`, async () => {
      const d = tmp.next();
      const root = `sig/${sig}/rot`;
      const p = faultProject(d, `{ backup: { type: "backup", backend: ${s3Backend(root, ", nbCopyLimit: 1")}, objects: [{ path: "a", pipeline: [{ argv: ["echo", "a"] }] }] } }`);
      const first = startPalhm(p, ["run", "backup"], { env: s3Env() });
      expect(await first.exited).toBe(0);
      const manifests = () => [...s3.objects.keys()].filter((k) => k.startsWith(root) && k.endsWith("/.palhm-manifest.json")).sort();
      const [old] = manifests();
      const rotating = Promise.withResolvers<void>();
      const acknowledged = Promise.withResolvers<void>();
      // The removal of the old copy is held until palhm has taken the signal, then answered 500 (retried by the SDK).
      s3.fault = (r) => {
        if (!r.query.has("delete")) return undefined;
        s3.fault = null;
        rotating.resolve();
        return acknowledged.promise.then(() => s3ErrorResponse(500, "InternalError", "try again")) as unknown as Response;
      };
      let stderr = "";
      try {
        const proc = startPalhm(p, ["run", "backup"], { env: s3Env() });
        const err = watch(proc.stderr);
        await rotating.promise;
        proc.kill(sig);
        await err.until(`${sig} received`);
        acknowledged.resolve();
        expect(await proc.exited).toBe(status);
        stderr = await err.done;
      } finally {
        s3.fault = null;
        acknowledged.resolve();
      }
      expect(stderr).toContain(`interrupted by ${sig}`);
      expect(p.journalLines().slice(-2)).toEqual(["backup error", "backup finally"]);
      const left = manifests();
      expect(left.length).toBeGreaterThanOrEqual(1);
      // The new copy is complete and kept.
      expect(left.at(-1)).not.toBe(old);
      expect(await survivors(p.token, 2000)).toEqual([]);
    });
  }
});

describe("an interrupted backup whose processes do not go quietly", () => {
  test("SIGTERM mid-pipeline: a child left holding the pipe, one ignoring SIGTERM, one in a session of its own: exit 143 within seconds, none left running", async () => {
    const d = tmp.next();
    const ready = mkfifo(`${d}-ready`);
    const root = join(d, "root");
    // After its bytes, the shell leaves three processes holding its stdout (the pipe palhm reads), then waits.
    const producer = [
      "head -c 100000 /dev/urandom",
      "sleep 60 &",
      `sh -c 'trap "" TERM; exec sleep 61' &`,
      "setsid sleep 62 &",
      `echo $$ > ${ready}`,
      "wait",
    ].join("\n");
    const p = faultProject(d, `{ backup: { type: "backup", backend: ${localfs(root)}, objects: [
      { path: "dir/big", pipeline: [{ argv: ["sh", "-c", ${q(producer)}] }] }] } }`);
    const proc = startPalhm(p, ["run", "backup"]);
    const err = watch(proc.stderr);
    await readFifo(ready);
    expect((await markedAtLeast(p.token, 5, 5000)).length).toBeGreaterThanOrEqual(5); // palhm, sh, 3 sleeps
    const t0 = performance.now();
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(143);
    // Not the 60 s of the sleeps: the grace period for the one ignoring SIGTERM, then SIGKILL.
    expect(performance.now() - t0).toBeLessThan(20_000);
    await err.done;
    expect(err.text).toContain("interrupted by SIGTERM");
    expect(err.text).not.toContain("internal error");
    expect(p.journalLines()).toEqual(["backup pre", "backup error", "backup finally"]);
    expect(await survivors(p.token, 2000)).toEqual([]);
    expect(copiesOf(root)).toEqual([]);
  }, 60_000);

  test("SIGTERM during a pre hook whose ctx.$ process ignores SIGTERM: the hook is abandoned, its process killed once cleanup is done", async () => {
    const d = tmp.next();
    const ready = mkfifo(`${d}-ready`);
    const root = join(d, "root");
    const p = faultProject(d, `{ backup: { type: "backup", backend: ${localfs(root)}, objects: [{ path: "a", pipeline: [{ argv: ["echo", "a"] }] }],
      hooks: { backup: { pre: async (ctx) => { await ctx.$\`trap '' TERM; echo $$ > ${ready}; exec sleep 60\`; } } } } }`);
    await interrupt(p, "SIGTERM", 143, () => readFifo(ready).then(() => {}));
    expect(p.journalLines()).toEqual(["backup pre", "backup error", "backup finally"]);
    expect(copiesOf(root)).toEqual([]);
  }, 60_000);
});

describe("a signal while palhm cleans up", () => {
  test("the third signal kills every process palhm started (even ones ignoring SIGTERM) and exits at once", async () => {
    const d = tmp.next();
    const ready = mkfifo(`${d}-ready`);
    const root = join(d, "root");
    // Both processes of the pipeline ignore SIGTERM; the first one has a child of its own, and an orphan (its parent
    // shell exited at once) that ignores SIGTERM too: without a subreaper it would belong to init, out of palhm's tree.
    const stubborn = `trap '' TERM; sh -c 'sleep 60 &'; sleep 60 & echo $$ > ${ready}; wait`;
    const p = faultProject(d, `{ backup: { type: "backup", backend: ${localfs(root)}, objects: [
      { path: "x", pipeline: [{ argv: ["sh", "-c", ${q(stubborn)}] }, { argv: ["sh", "-c", "trap '' TERM; exec cat"] }] }] } }`);
    const proc = startPalhm(p, ["run", "backup"]);
    const err = watch(proc.stderr);
    await readFifo(ready);
    expect((await markedAtLeast(p.token, 5, 5000)).length).toBeGreaterThanOrEqual(5); // palhm, two shells, two sleeps (setpriv execs in place)
    proc.kill("SIGTERM");
    await err.until("stopping children");
    proc.kill("SIGTERM");
    await err.until("cleanup is still in progress");
    const t0 = performance.now();
    proc.kill("SIGINT");
    expect(await proc.exited).toBe(143);
    expect(performance.now() - t0).toBeLessThan(1500);
    await err.done;
    expect(err.text).toContain("received a third time");
    expect(await survivors(p.token, 1000)).toEqual([]);
  });
});
