/**
 * Replication with S3 on either side, through the real CLI: localfs to S3 and
 * S3 to localfs on s3rver, and S3 bucket to S3 bucket on the loopback S3
 * server (s3rver lacks UploadPartCopy), which records every call: the copy is
 * made server-side, no object byte passes through palhm.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { project, type Project } from "../_support/cli.ts";
import { startS3rver, type RunningS3 } from "../_support/servers/s3rver.ts";
import { startLoopbackS3, type LoopbackS3 } from "../_support/servers/loopback-s3.ts";

const base = mkdtempSync(join(tmpdir(), "palhm-replicate-s3-"));
let s3: RunningS3;
let loop: LoopbackS3;

beforeAll(async () => {
  s3 = await startS3rver("repl-bucket");
  loop = startLoopbackS3("primary", ["offsite"]);
});
afterAll(async () => {
  await s3.stop();
  await loop.stop();
  rmSync(base, { recursive: true, force: true });
});

/** s3rver's and the loopback server's fake credentials. */
const S3_ENV = { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER", AWS_REGION: "us-east-1" };
const _run = (p: Project, args: string[], env: Record<string, string> = {}) => p.run(args, { env: { ...S3_ENV, ...env } });

const s3Backend = (endpoint: string, bucket: string, root: string) => `{ type: "aws-s3", endpoint: ${JSON.stringify(endpoint)}, bucket: ${JSON.stringify(bucket)}, root: ${JSON.stringify(root)} }`;
const localBackend = (root: string) => `{ type: "localfs", root: ${JSON.stringify(root)} }`;

let n = 0;
function _project(from: string, to: string, bigKiB = 64): Project {
  return project(
    join(base, `p${++n}`),
    `{ tasks: {
      backup: { type: "backup", backend: ${from}, objects: [
        { path: "big.bin", pipeline: [{ argv: ["head", "-c", "${bigKiB}K", "/dev/urandom"] }] },
        { path: "etc/hostname.txt", pipeline: [{ argv: ["echo", "web1"] }] },
      ] },
      offsite: { type: "replicate", from: "backup", to: ${to} },
    } }`,
  );
}

describe("replicate task with S3 (real CLI)", () => {
  test("localfs to S3, then S3 to localfs: every replica verifies against its manifest", async () => {
    const local = join(base, "local-src");
    const p = _project(localBackend(local), s3Backend(s3.endpoint, s3.bucket, "replicas/web1"));
    expect((await _run(p, ["run", "backup"])).status).toBe(0);
    const r = await _run(p, ["run", "offsite"]);
    expect(r.stderr).not.toContain("internal error");
    expect(r.status).toBe(0);
    const verify = await _run(p, ["verify", "offsite", "--json"]);
    expect(verify.status).toBe(0);
    expect(JSON.parse(verify.stdout).copies[0].ok).toBe(true);

    // Back down: the S3 copies (of a backup task writing to S3) to a local root.
    const back = join(base, "local-back");
    const q = _project(s3Backend(s3.endpoint, s3.bucket, "hosts/web2"), localBackend(back));
    expect((await _run(q, ["run", "backup"])).status).toBe(0);
    const r2 = await _run(q, ["run", "offsite"]);
    expect(r2.status).toBe(0);
    const [prefix] = readdirSync(back);
    expect(readFileSync(join(back, prefix!, "etc/hostname.txt"), "utf8")).toBe("web1\n");
    expect((await _run(q, ["verify", "offsite"])).status).toBe(0);
  });

  test("S3 bucket to S3 bucket: server-side copies, no object byte through palhm; a multipart copy above the copy limit", async () => {
    const p = _project(s3Backend(loop.endpoint, "primary", "web1"), s3Backend(loop.endpoint, "offsite", "web1"), 2048);
    expect((await _run(p, ["run", "backup"])).status).toBe(0);
    loop.requests.length = 0;
    // Lowered from S3's 5 GiB so that the 2 MiB object is above it.
    const r = await _run(p, ["run", "offsite", "--json"], { PALHM_S3_MAX_COPY: String(1024 * 1024) });
    expect(r.stderr).not.toContain("internal error");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).copies[0]).toMatchObject({ objects: 2, serverSide: 2 });

    const objectGets = loop.requests.filter((q) => q.method === "GET" && q.bucket === "primary" && q.key && !q.key.includes("/.palhm-"));
    expect(objectGets).toEqual([]);
    const uploads = loop.requests.filter((q) => q.bucket === "offsite" && q.method === "PUT" && !q.key.includes("/.palhm-"));
    expect(uploads.every((q) => q.headers.get("x-amz-copy-source"))).toBe(true);
    const partCopies = uploads.filter((q) => q.query.has("uploadId"));
    const copies = uploads.filter((q) => !q.query.has("uploadId"));
    expect(partCopies.map((q) => q.key)).toEqual([expect.stringMatching(/big\.bin$/)]);
    expect(copies.map((q) => q.key)).toEqual([expect.stringMatching(/etc\/hostname\.txt$/)]);

    const [src] = [...loop.buckets.get("primary")!.keys()].filter((k) => k.endsWith("big.bin"));
    const [dst] = [...loop.buckets.get("offsite")!.keys()].filter((k) => k.endsWith("big.bin"));
    expect(loop.buckets.get("offsite")!.get(dst!)!.data).toEqual(loop.buckets.get("primary")!.get(src!)!.data);
    expect((await _run(p, ["verify", "offsite"])).status).toBe(0);
  });
});
