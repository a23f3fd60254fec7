/** `palhm run` on an aws-s3 task through the real CLI: s3rver, and a loopback S3 server answering 403. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { palhm, type CliResult } from "../../_support/cli.ts";
import { backendCtx, s3Param, startS3rver, type RunningS3 , openS3Copies } from "../../_support/servers/s3rver.ts";
import { s3ErrorResponse, startLoopbackS3, type LoopbackS3 } from "../../_support/servers/loopback-s3.ts";

const ROOT = join(import.meta.dir, "../../..");
const SECRET = "cli-secret-never-printed-4b3c2a";
const dir = mkdtempSync(join(tmpdir(), "palhm-s3-cli-"));
let s3: RunningS3;
let loop: LoopbackS3;

beforeAll(async () => {
  s3 = await startS3rver("cli-bucket");
  loop = startLoopbackS3("denied-bucket");
  loop.fault = () => s3ErrorResponse(403, "AccessDenied", "Access Denied");
});
afterAll(async () => {
  await s3.stop();
  await loop.stop();
  rmSync(dir, { recursive: true, force: true });
});

function _config(name: string, endpoint: string | undefined, bucket: string, extra = ""): string {
  const file = join(dir, `${name}.ts`);
  writeFileSync(
    file,
    `import { defineConfig } from "palhm";
export default defineConfig({
  tasks: {
    offsite: {
      type: "backup",
      backend: { type: "aws-s3", bucket: ${JSON.stringify(bucket)}, root: "/hosts/${name}/", ${endpoint ? `endpoint: ${JSON.stringify(endpoint)},` : ""} nbCopyLimit: 5 ${extra} },
      objects: [
        { path: "etc.tar", pipeline: [{ argv: ["tar", "-C", ${JSON.stringify(ROOT)}, "-cf", "-", "src/backends"] }] },
        { path: "note.txt", pipeline: [{ argv: ["echo", "hello"] }] },
        // Above the first part size (8 MiB): a multipart upload, its parts signed with the credentials the chain found.
        { path: "big.bin", pipeline: [{ argv: ["head", "-c", "20000000", "/dev/urandom"] }] },
      ],
    },
  },
});
`,
  );
  return file;
}

function _palhm(args: string[], secret: string | null, env: Record<string, string> = {}, region: string | null = "us-east-1"): Promise<CliResult> {
  const aws: Record<string, string | undefined> = {};
  for (const k of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_REGION", "AWS_DEFAULT_REGION"]) aws[k] = undefined;
  if (region) aws.AWS_REGION = region;
  if (secret !== null) Object.assign(aws, { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: secret });
  return palhm(args, { cwd: ROOT, env: { ...aws, ...env } });
}

describe("palhm run on aws-s3 (real CLI)", () => {
  test("makes a complete copy under s3://BUCKET/ROOT/PREFIX/ with root slashes ignored", async () => {
    const r = await _palhm(["-q", "-f", _config("ok", s3.endpoint, s3.bucket), "run", "offsite"], "S3RVER");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const b = await openS3Copies(s3Param(s3, { root: "hosts/ok" }), {}, "offsite");
    const copies = await b.listCopies();
    expect(copies.map((c) => c.state)).toEqual(["complete"]);
    const reader = await b.openCopy(copies[0]!.prefix);
    expect((await reader.objects()).map((o) => o.path)).toEqual(["big.bin", "etc.tar", "note.txt"]);
    expect((await reader.manifest())!.objects.map((o) => o.path)).toEqual(["etc.tar", "note.txt", "big.bin"]);
    await b.close?.();
  });

  test("a 403 from the store fails the run (exit 1) with one clear message and no secret", async () => {
    const r = await _palhm(["-f", _config("denied", loop.endpoint, "denied-bucket"), "run", "offsite"], SECRET);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("s3://denied-bucket/hosts/denied/");
    expect(r.stderr).toContain("access denied");
    expect(r.stderr).not.toContain(SECRET);
    expect(r.stderr).not.toContain("internal error");
  });
});

describe("credentials and endpoint from the AWS SDK's chain (real CLI, s3rver)", () => {
  const creds = join(dir, "credentials");
  writeFileSync(
    creds,
    "[backup]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n\n[default]\naws_access_key_id = NOBODY\naws_secret_access_key = wrong-default-secret\n",
  );
  const noConfig = join(dir, "no-aws-config");

  async function _copies(name: string): Promise<number> {
    const b = await openS3Copies(s3Param(s3, { root: `hosts/${name}` }), {}, "offsite");
    const n = (await b.listCopies()).length;
    await b.close?.();
    return n;
  }

  test("the backend's profile selects credentials from AWS_SHARED_CREDENTIALS_FILE", async () => {
    const env = { AWS_SHARED_CREDENTIALS_FILE: creds, AWS_CONFIG_FILE: noConfig };
    const config = _config("profile", s3.endpoint, s3.bucket, `, profile: "backup"`);
    const r = await _palhm(["-q", "-f", config, "run", "offsite"], null, env);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(await _copies("profile")).toBe(1);
    // Read back and checked against the manifest: the parts of big.bin are whole and in order.
    expect(await _palhm(["-q", "-f", config, "verify", "offsite"], null, env)).toMatchObject({ status: 0, stderr: "" });
  });

  test("profile \"default\" lets AWS_PROFILE choose; the wrong keys are refused without printing the secret", async () => {
    const env = { AWS_SHARED_CREDENTIALS_FILE: creds, AWS_CONFIG_FILE: noConfig };
    const ok = await _palhm(["-q", "-f", _config("awsprofile", s3.endpoint, s3.bucket), "run", "offsite"], null, { ...env, AWS_PROFILE: "backup" });
    expect(ok.stderr).toBe("");
    expect(ok.status).toBe(0);
    const bad = await _palhm(["-q", "-f", _config("default", s3.endpoint, s3.bucket), "run", "offsite"], null, env);
    expect(bad.status).toBe(1);
    expect(await _copies("awsprofile")).toBe(1);
    expect(bad.stderr).toContain(`s3://${s3.bucket}/hosts/default/`);
    expect(bad.stderr).not.toContain("wrong-default-secret");
  });

  test("AWS_ENDPOINT_URL_S3 points a config without endpoint (nor any region) at an S3-compatible store", async () => {
    const env = { AWS_ENDPOINT_URL_S3: s3.endpoint, AWS_CONFIG_FILE: noConfig, AWS_SHARED_CREDENTIALS_FILE: noConfig };
    const r = await _palhm(["-q", "-f", _config("envendpoint", undefined, s3.bucket), "run", "offsite"], "S3RVER", env, null);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(await _copies("envendpoint")).toBe(1);
  });
});
