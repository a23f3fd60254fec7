/**
 * A backup task with several backends (fan-out), through the real CLI: each
 * object's pipeline runs once, its output goes to a localfs root and an S3
 * bucket (s3rver), each with its own copy and manifest. A destination that
 * fails (the loopback S3 server answering 403) fails the run and rolls back
 * everywhere under require "all", and is left out under require "any".
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { project, type Project } from "../_support/cli.ts";
import { startS3rver, type RunningS3 } from "../_support/servers/s3rver.ts";
import { s3ErrorResponse, startLoopbackS3, type LoopbackS3 } from "../_support/servers/loopback-s3.ts";

const base = mkdtempSync(join(tmpdir(), "palhm-fanout-"));
let s3: RunningS3;
let denied: LoopbackS3;

beforeAll(async () => {
  s3 = await startS3rver("fanout");
  denied = startLoopbackS3("denied");
  // The copy's mark goes in; its objects are refused: the destination fails in the middle of the copy.
  denied.fault = (r) => ((r.method === "PUT" || r.method === "POST") && r.key && !r.key.includes("/.palhm-") ? s3ErrorResponse(403, "AccessDenied", "Access Denied") : undefined);
});
afterAll(async () => {
  await s3.stop();
  await denied.stop();
  rmSync(base, { recursive: true, force: true });
});

const _run = (p: Project, args: string[]) => p.run(args, { env: { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER", AWS_REGION: "us-east-1" } });

let n = 0;
function _project(s3Backend: string, require?: "all" | "any") {
  const dir = join(base, `p${++n}`);
  const local = join(dir, "local");
  const runs = join(dir, "runs.log");
  const p = project(
    dir,
    `{ tasks: {
      backup: {
        type: "backup",
        backends: [{ type: "localfs", root: ${JSON.stringify(local)} }, ${s3Backend}],
        ${require ? `require: "${require}",` : ""}
        objects: [
          // Counts its runs: the pipeline must run once whatever the number of destinations.
          { path: "db.sql", pipeline: [{ argv: ["sh", "-c", ${JSON.stringify(`echo run >> ${runs}; head -c 2000000 /dev/urandom`)}] }] },
          { path: "etc/hostname", pipeline: [{ argv: ["echo", "web1"] }] },
        ],
      },
    } }`,
  );
  return { ...p, local, runs };
}

const s3At = (endpoint: string, bucket: string, root: string) => `{ type: "aws-s3", endpoint: ${JSON.stringify(endpoint)}, bucket: ${JSON.stringify(bucket)}, root: ${JSON.stringify(root)} }`;
const prefixes = (root: string) => (existsSync(root) ? readdirSync(root).filter((d) => /^\d{4}-/.test(d)) : []);

describe("fan-out: one backup task, several backends", () => {
  test("each object's pipeline runs once; localfs and S3 each get the copy with its own manifest", async () => {
    const p = _project(s3At(s3.endpoint, s3.bucket, "web1"));
    const r = await _run(p, ["run", "backup", "--json"]);
    expect(r.stderr).not.toContain("internal error");
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.destinations.map((d: { ok: boolean }) => d.ok)).toEqual([true, true]);
    expect(readFileSync(p.runs, "utf8")).toBe("run\n");
    const [prefix] = prefixes(p.local);
    expect(prefix).toBe(doc.prefix);
    const manifest = JSON.parse(readFileSync(join(p.local, prefix!, ".palhm-manifest.json"), "utf8"));
    // The S3 copy is the same, as the backup task's verify would read it through a one-backend view of the bucket.
    const view = project(join(base, `view${n}`), `{ tasks: { backup: { type: "backup", backend: ${s3At(s3.endpoint, s3.bucket, "web1")}, objects: [{ path: "db.sql", pipeline: [{ argv: ["true"] }] }] } } }`);
    const verify = await _run(view, ["verify", "backup", "--json"]);
    expect(verify.status).toBe(0);
    expect(JSON.parse(verify.stdout).copies[0].prefix).toBe(prefix);
    expect(manifest.objects.map((o: { path: string }) => o.path)).toEqual(["db.sql", "etc/hostname"]);
    expect((await _run(p, ["verify", "backup"])).status).toBe(0);
  });

  test('require "all" (the default): a destination failing fails the run and rolls back everywhere', async () => {
    const p = _project(s3At(denied.endpoint, "denied", "web1"));
    const r = await _run(p, ["run", "backup"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("access denied");
    expect(r.stderr).not.toContain("internal error");
    expect(prefixes(p.local)).toEqual([]);
    expect([...denied.objects.keys()]).toEqual([]);
  });

  test('require "any": the failing destination is left out and named, the other keeps a complete copy, exit 1', async () => {
    const p = _project(s3At(denied.endpoint, "denied", "web1"), "any");
    const r = await _run(p, ["run", "backup", "--json"]);
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.result.destinations.map((d: { ok: boolean }) => d.ok)).toEqual([true, false]);
    expect(r.stderr).toContain("s3://denied/web1");
    expect(r.stderr).toContain("is complete and kept at");
    const [prefix] = prefixes(p.local);
    expect(existsSync(join(p.local, prefix!, ".palhm-manifest.json"))).toBe(true);
    expect(readFileSync(p.runs, "utf8")).toBe("run\n");
    expect((await _run(p, ["verify", "backup"])).status).toBe(0);
    expect([...denied.objects.keys()]).toEqual([]);
  });

  test("backend and backends together, or one root twice, is a config error (exit 2)", async () => {
    const dir = join(base, `c${++n}`);
    const root = JSON.stringify(join(dir, "r"));
    const both = project(dir, `{ tasks: { backup: { type: "backup", backend: { type: "localfs", root: ${root} }, backends: [{ type: "localfs", root: ${root} }], objects: [] } } }`);
    const r = await _run(both, ["config"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("tasks.backup.backends: give either backend or backends, not both");
    const twice = project(join(dir, "t"), `{ tasks: { backup: { type: "backup", backends: [{ type: "localfs", root: ${root} }, { type: "localfs", root: ${root} }], objects: [] } } }`);
    const r2 = await _run(twice, ["config"]);
    expect(r2.status).toBe(2);
    expect(r2.stderr).toContain("tasks.backup.backends[1]:");
  });
});
