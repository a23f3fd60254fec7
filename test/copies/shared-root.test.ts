/**
 * Two tasks sharing one backend root, through the real CLI, on localfs and
 * on S3 (s3rver on 127.0.0.1): A slow, B fast with `nbCopyLimit: 1`, run at
 * the same time and one after the other. Every copy of A survives intact;
 * each task's rotation counts and removes only its own copies.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { startS3rver, type RunningS3 } from "../_support/servers/s3rver.ts";
import { faultProject, q, runPalhm, scratch, type FaultProject, startPalhm } from "../faults/_support.ts";
import { s3Env } from "../_support/servers/s3rver.ts";
import { mkfifo, readFifo, writeFifo } from "../_support/process.ts";

const tmp = scratch("shared-root");
let s3: RunningS3;
beforeAll(async () => {
  s3 = await startS3rver("shared-root");
});
afterAll(async () => {
  await s3.stop();
  tmp.dispose();
});

type Backend = (limit: string) => string;
const backends: [string, (d: string) => Backend][] = [
  ["localfs", (d) => (limit) => `{ type: "localfs", root: ${q(join(d, "root"))}${limit} }`],
  ["aws-s3", (d) => (limit) => `{ type: "aws-s3", bucket: ${q(s3.bucket)}, root: ${q(`shared/${d.split("/").pop()}`)}, endpoint: ${q(s3.endpoint)}${limit} }`],
];

/** A: its object waits (after saying `ready`) until `go` is written, when those fifos are given. B: fast, one copy kept. */
function project(d: string, backend: Backend, aLimit: number, fifos?: { ready: string; go: string }): FaultProject {
  const slow = fifos ? `echo ready > ${fifos.ready}; cat ${fifos.go}; ` : "";
  return faultProject(
    d,
    `{
      a: { type: "backup", backend: ${backend(`, nbCopyLimit: ${aLimit}`)}, objects: [{ path: "a.txt", pipeline: [{ argv: ["sh", "-c", ${q(`${slow}echo the copy of A`)}] }] }] },
      b: { type: "backup", backend: ${backend(", nbCopyLimit: 1")}, objects: [{ path: "b.txt", pipeline: [{ argv: ["echo", "the copy of B"] }] }] },
    }`,
  );
}

const env = { env: s3Env() };

async function listed(p: FaultProject, task: string): Promise<{ prefix: string; state: string }[]> {
  const r = await runPalhm(p, ["list", task, "--json"], env);
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout).copies;
}

async function verifiedAll(p: FaultProject, task: string): Promise<void> {
  const r = await runPalhm(p, ["verify", task, "--all", "--json"], env);
  expect(r.status).toBe(0);
  const doc = JSON.parse(r.stdout);
  expect(doc.copies.every((c: { ok: boolean }) => c.ok)).toBe(true);
}

for (const [kind, backendFor] of backends) {
  describe(`two tasks sharing one ${kind} root`, () => {
    test("B runs twice while A is writing: A's copy is left alone and completes intact; B keeps one copy", async () => {
      const d = tmp.next();
      const backend = backendFor(d);
      expect((await runPalhm(project(d, backend, 5), ["run", "a"], env)).status).toBe(0);
      const fifos = { ready: mkfifo(`${d}-ready`), go: mkfifo(`${d}-go`) };
      const slowA = project(d, backend, 5, fifos);
      const a = startPalhm(slowA, ["run", "a"], env);
      await readFifo(fifos.ready); // A's copy exists, marked, and its pipeline waits
      for (let i = 0; i < 2; i++) {
        const b = await runPalhm(slowA, ["run", "b"], env);
        expect(b.stderr).not.toContain("left by a run that died");
        expect(b.status).toBe(0);
      }
      await writeFifo(fifos.go);
      const [aCode, aErr] = await Promise.all([a.exited, new Response(a.stderr).text()]);
      expect(aErr).not.toContain("internal error");
      expect(aCode).toBe(0);
      expect((await listed(slowA, "a")).map((c) => c.state)).toEqual(["complete", "complete"]);
      expect((await listed(slowA, "b")).map((c) => c.state)).toEqual(["complete"]);
      await verifiedAll(slowA, "a");
    }, 60_000);

    test("one after the other: each rotation keeps its own limit and never touches the other task's copies", async () => {
      const d = tmp.next();
      const backend = backendFor(d);
      const p = project(d, backend, 3);
      for (const task of ["a", "b", "a", "b", "a", "b", "a"]) expect((await runPalhm(p, ["run", task], env)).status).toBe(0);
      expect((await listed(p, "a")).length).toBe(3);
      expect((await listed(p, "b")).length).toBe(1);
      await verifiedAll(p, "a");
      await verifiedAll(p, "b");
      const tight = project(d, backend, 1);
      expect((await runPalhm(tight, ["run", "a"], env)).status).toBe(0);
      expect((await listed(tight, "a")).length).toBe(1);
      expect((await listed(tight, "b")).length).toBe(1);
      await verifiedAll(tight, "b");
    }, 120_000);
  });
}
