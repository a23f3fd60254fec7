/** runBackup end to end on the aws-s3 backend: real pipelines (head, zstd) into s3rver on 127.0.0.1. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { runBackup } from "../../../src/backup/run.ts";

import { decodeManifest } from "../../../src/backup/manifest.ts";
import { ExecError } from "../../../src/errors.ts";
import { ex, sh } from "../../_support/context.ts";
import { backupContext, task } from "../../_support/backup.ts";
import { backendCtx, s3Param, startS3rver, type RunningS3, sha256Hex , openS3Copies } from "../../_support/servers/s3rver.ts";

let s3: RunningS3;
let raw: S3Client;

beforeAll(async () => {
  s3 = await startS3rver();
  raw = new S3Client({ endpoint: s3.endpoint, forcePathStyle: true, region: "us-east-1" });
});
afterAll(async () => {
  raw.destroy();
  await s3.stop();
});

async function _get(key: string): Promise<Uint8Array> {
  const r = await raw.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
  return r.Body!.transformToByteArray();
}
const _put = (key: string, body: string) => raw.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: body }));

async function _copies(root: string) {
  const b = await openS3Copies(s3Param(s3, { root }), {}, "t");
  try {
    return (await b.listCopies()).map((c) => [c.prefix, c.state]);
  } finally {
    await b.close?.();
  }
}

describe("backup runs on aws-s3 (s3rver)", () => {
  test("a run streams a 20 MB pipeline into a multipart object whose SHA-256 matches the manifest", async () => {
    const t = task(s3Param(s3, { root: "e2e/run" }), [
      { path: "random.bin.zst", pipeline: [ex(["head", "-c", "20000000", "/dev/urandom"]), ex(["zstd", "-1", "-c"])] },
      { path: "etc/hostname.txt", pipeline: [sh("echo palhm-host")] },
      { path: "empty", pipeline: [ex(["true"])] },
    ]);
    const { ctx } = backupContext(t);
    const result = await runBackup(t, ctx);
    expect(result.location).toBe(`s3://${s3.bucket}/e2e/run/${result.prefix}/`);
    const manifest = decodeManifest(await _get(`e2e/run/${result.prefix}/.palhm-manifest.json`));
    expect(manifest.objects.map((o) => o.path)).toEqual(["random.bin.zst", "etc/hostname.txt", "empty"]);
    for (const o of manifest.objects) {
      const stored = await _get(`e2e/run/${result.prefix}/${o.path}`);
      expect(stored.length).toBe(o.size);
      expect(sha256Hex(stored)).toBe(o.sha256);
    }
    expect(manifest.objects[0]!.size).toBeGreaterThan(16 * 1024 * 1024); // more than two 8 MiB parts
    expect(await _copies("e2e/run")).toEqual([[result.prefix, "complete"]]);
  });

  test("rotation removes a dead run's leftover and the oldest copies beyond nbCopyLimit, and nothing else", async () => {
    const root = "e2e/rot";
    await _put(`${root}/2020-01-01T00:00:00+00:00/old.tar`, "oldest");
    await _put(`${root}/2020-01-02T00:00:00+00:00/old.tar`, "older");
    await _put(`${root}/2020-01-03T00:00:00+00:00/.palhm-incomplete`, "dead run");
    await _put(`${root}/notes.txt`, "the user's own file");
    const t = task(s3Param(s3, { root, nbCopyLimit: 2n }), [{ path: "a", pipeline: [sh("echo new")] }]);
    const { ctx } = backupContext(t);
    const result = await runBackup(t, ctx);
    expect(await _copies(root)).toEqual([
      ["2020-01-02T00:00:00+00:00", "legacy"],
      [result.prefix, "complete"],
    ]);
    expect(new TextDecoder().decode(await _get(`${root}/notes.txt`))).toBe("the user's own file");
  });

  test("a failing pipeline rolls the copy back: no object of it is left in the bucket", async () => {
    const root = "e2e/fail";
    await _put(`${root}/2020-01-01T00:00:00+00:00/keep`, "earlier copy");
    const t = task(s3Param(s3, { root }), [
      { path: "ok", pipeline: [ex(["head", "-c", "100000", "/dev/zero"])] },
      { path: "bad", pipeline: [sh("head -c 1000 /dev/zero; exit 3")] },
    ]);
    const { ctx } = backupContext(t, { workers: 1 });
    await expect(runBackup(t, ctx)).rejects.toBeInstanceOf(ExecError);
    expect(await _copies(root)).toEqual([["2020-01-01T00:00:00+00:00", "legacy"]]);
  });
});
