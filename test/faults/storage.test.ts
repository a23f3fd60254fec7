/**
 * A sink that fails mid-stream, through the real CLI: a full file system (a
 * 1 MiB tmpfs), a file-size limit (RLIMIT_FSIZE: EFBIG), S3 answering 500
 * then 200 (retried, the run succeeds) or 403 (the run fails), S3 that stops
 * answering (each request times out, is retried, then the run fails). A failed run
 * exits 1 naming the object and the cause, rolls its copy back, and leaves
 * the earlier copies byte for byte as they were.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { tmpfsFor } from "../_support/tmpfs.ts";
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { s3ErrorResponse, startLoopbackS3, type LoopbackS3 } from "../_support/servers/loopback-s3.ts";
import { MAX_ATTEMPTS } from "../../src/aws/clients.ts";
import { copiesOf, hashTree } from "../_support/copies.ts";
import { faultProject, q, runPalhm, scratch } from "./_support.ts";
import { s3Env } from "../_support/servers/s3rver.ts";
import { unansweredPort } from "../_support/servers/unanswered-port.ts";

const tmp = scratch("storage");
let s3: LoopbackS3;
beforeAll(() => {
  s3 = startLoopbackS3("storage-bucket");
});
afterAll(async () => {
  await s3.stop();
  tmp.dispose();
});

/**
 * Objects: `small` (a line), and `big` of `bytes` bytes from /dev/urandom when `bytes` > 0.
 * `big` starts only once `small` is stored, so a full file system fails `big`, never `small`.
 */
function objects(bytes: number): string {
  const big = bytes > 0 ? `, { path: "dir/big", group: "then", pipeline: [{ argv: ["head", "-c", "${bytes}", "/dev/urandom"] }] }` : "";
  return `objectGroups: [{ id: "first" }, { id: "then", depends: ["first"] }], objects: [{ path: "small", group: "first", pipeline: [{ argv: ["echo", "small"] }] }${big}]`;
}

const localTask = (root: string, bytes: number) => `{ backup: { type: "backup", backend: { type: "localfs", root: ${q(root)} }, ${objects(bytes)} } }`;

/** A first copy made, then a second run whose `dir/big` does not fit: returns the failed run and the first copy's state. */
async function failingSecondRun(d: string, root: string, bytes: number, wrap?: string[]) {
  expect((await runPalhm(faultProject(d, localTask(root, 1000)), ["run", "backup"])).status).toBe(0);
  const before = hashTree(root);
  const r = await runPalhm(faultProject(d, localTask(root, bytes)), ["run", "backup"], { wrap });
  return { r, before };
}

describe("a local sink that fails mid-stream", () => {
  const { path: mnt, cannotMount } = tmpfsFor(join(tmp.dir, "tmpfs"), "1m");

  test.skipIf(cannotMount !== null)(`a full file system: exit 1 naming the object and "no space left on device", copy rolled back, earlier copy unchanged${cannotMount ? ` (skipped: cannot mount a tmpfs here: ${cannotMount})` : ""}`, async () => {
    const root = join(mnt, "root");
    const { r, before } = await failingSecondRun(tmp.next(), root, 3_000_000);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`object "dir/big"`);
    expect(r.stderr.toLowerCase()).toContain("no space left on device");
    expect(r.stderr).not.toContain("    at ");
    expect(copiesOf(root).map((c) => c.state)).toEqual(["complete"]);
    expect(hashTree(root)).toEqual(before);
  });

  test.skipIf(cannotMount !== null)("a rotation cut short leaves the old copy marked incomplete (never complete with objects missing); the next run removes it", async () => {
    const d = tmp.next();
    const root = join(d, "root");
    const limited = (bytes: number) => faultProject(d, localTask(root, bytes).replace("type: \"localfs\",", "type: \"localfs\", nbCopyLimit: 1,"));
    expect((await runPalhm(limited(1000), ["run", "backup"])).status).toBe(0);
    const [old] = copiesOf(root);
    // A mount point inside the old copy: removing it fails (EBUSY) part way through.
    const busy = join(root, old!.prefix, "dir");
    expect(Bun.spawnSync(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", busy]).exitCode).toBe(0);
    let r;
    try {
      r = await runPalhm(limited(1000), ["run", "backup"]);
    } finally {
      Bun.spawnSync(["umount", busy]);
    }
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`rotation could not remove copy ${old!.prefix}`);
    const mid = copiesOf(root);
    expect(mid.map((c) => [c.prefix === old!.prefix, c.state])).toEqual([[true, "incomplete"], [false, "complete"]]);
    const next = await runPalhm(limited(1000), ["run", "backup"]);
    expect(next.status).toBe(0);
    expect(next.stderr).toContain(`removing ${old!.prefix}`);
    expect(copiesOf(root).map((c) => c.state)).toEqual(["complete"]);
  });

  test("a file-size limit (RLIMIT_FSIZE): exit 1 naming the object and EFBIG, copy rolled back, earlier copy unchanged", async () => {
    const d = tmp.next();
    const root = join(d, "root");
    const { r, before } = await failingSecondRun(d, root, 3_000_000, ["prlimit", "--fsize=1000000", "--"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`object "dir/big"`);
    expect(r.stderr).toMatch(/EFBIG: file too large/);
    expect(copiesOf(root).map((c) => c.state)).toEqual(["complete"]);
    expect(hashTree(root)).toEqual(before);
  });
});

describe("an S3 store that fails", () => {
  const s3Task = (root: string, bytes: number) =>
    `{ backup: { type: "backup", backend: { type: "aws-s3", bucket: ${q(s3.bucket)}, root: ${q(root)}, endpoint: ${q(s3.endpoint)} }, ${objects(bytes)} } }`;
  const under = (root: string) => [...s3.objects.keys()].filter((k) => k.startsWith(`${root}/`)).sort();
  const hashes = (root: string) => Object.fromEntries(under(root).map((k) => [k, createHash("sha256").update(s3.objects.get(k)!.data).digest("hex")]));

  test("500 then 200 on an object's upload is retried: the run succeeds and the object is intact", async () => {
    const root = "storage/retry";
    let failed = 0;
    s3.fault = (r) => (r.method === "PUT" && r.key.endsWith("/small") && failed++ === 0 ? s3ErrorResponse(500, "InternalError", "We encountered an internal error. Please try again.") : undefined);
    try {
      const r = await runPalhm(faultProject(tmp.next(), s3Task(root, 0)), ["run", "backup"], { env: s3Env() });
      expect(r.status).toBe(0);
    } finally {
      s3.fault = null;
    }
    expect(failed).toBe(2);
    const [small] = under(root).filter((k) => k.endsWith("/small"));
    expect(new TextDecoder().decode(s3.objects.get(small!)!.data)).toBe("small\n");
    expect(under(root).some((k) => k.endsWith("/.palhm-manifest.json"))).toBe(true);
  });

  test("403 on an object's upload fails the run (exit 1) naming the object and access denied; the copy is rolled back, the earlier one unchanged", async () => {
    const root = "storage/denied";
    const d = tmp.next();
    expect((await runPalhm(faultProject(d, s3Task(root, 1000)), ["run", "backup"], { env: s3Env() })).status).toBe(0);
    const before = hashes(root);
    s3.fault = (r) => (r.method === "PUT" && r.key.endsWith("/dir/big") ? s3ErrorResponse(403, "AccessDenied", "Access Denied") : undefined);
    let r;
    try {
      r = await runPalhm(faultProject(d, s3Task(root, 1000)), ["run", "backup"], { env: s3Env() });
    } finally {
      s3.fault = null;
    }
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("dir/big");
    expect(r.stderr.toLowerCase()).toContain("access denied");
    expect(r.stderr).not.toContain("    at ");
    expect(hashes(root)).toEqual(before);
    expect([...s3.uploads.values()].filter((u) => u.key.startsWith(root))).toEqual([]);
  });

  test("an endpoint that stops answering: each request times out (idle timeout), is retried, then the run fails (exit 1) naming the object; the copy is rolled back", async () => {
    const root = "storage/stalled";
    const d = tmp.next();
    expect((await runPalhm(faultProject(d, s3Task(root, 1000)), ["run", "backup"], { env: s3Env() })).status).toBe(0);
    const before = hashes(root);
    // The upload of dir/big is accepted and never answered, as by a server that was paused.
    let stalled = 0;
    const never = new Promise<Response>(() => {});
    s3.fault = (r) => {
      if (r.method !== "PUT" || !r.key.endsWith("/dir/big")) return undefined;
      stalled++;
      return never as unknown as Response;
    };
    let r;
    try {
      r = await runPalhm(faultProject(d, s3Task(root, 1000)), ["run", "backup"], { env: { ...s3Env(), PALHM_AWS_TIMEOUT: "1" } });
    } finally {
      s3.fault = null;
    }
    expect(r.status).toBe(1);
    expect(stalled).toBe(MAX_ATTEMPTS);
    expect(r.stderr).toContain("dir/big");
    expect(r.stderr).toContain("timed out");
    expect(r.stderr).not.toContain("internal error");
    expect(r.stderr).not.toContain("    at ");
    expect(hashes(root)).toEqual(before);
    expect([...s3.uploads.values()].filter((u) => u.key.startsWith(root))).toEqual([]);
  }, 60_000);

  test("an endpoint where no connection is ever established: each request's connection times out, is retried, then the run fails (exit 1) saying so", async () => {
    const dead = await unansweredPort();
    const d = tmp.next();
    try {
      const task = `{ backup: { type: "backup", backend: { type: "aws-s3", bucket: "b", root: "r", endpoint: "http://127.0.0.1:${dead.port}" }, ${objects(0)} } }`;
      const r = await runPalhm(faultProject(d, task), ["run", "backup"], { env: { ...s3Env(), PALHM_AWS_TIMEOUT: "1" } });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("timed out");
      expect(r.stderr).toContain("did not establish a connection");
      expect(r.stderr).not.toContain("internal error");
      expect(r.stderr).not.toContain("    at ");
    } finally {
      dead.close();
    }
  }, 60_000);
});