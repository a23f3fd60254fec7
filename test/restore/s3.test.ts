/** list, verify and restore on an S3 backend: s3rver on 127.0.0.1, copies written through the backend's own writer. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { openCopies } from "../../src/copies/open.ts";
import type { Copies } from "../../src/copies/copies.ts";
import type { ResolvedBackupTask } from "../../src/config/resolved.ts";
import { VerifyError } from "../../src/errors.ts";
import { log } from "../../src/log.ts";
import { listCopies } from "../../src/restore/list.ts";
import { runRestore } from "../../src/restore/restore.ts";
import { verifyCopy } from "../../src/restore/verify.ts";
import { backendCtx, s3Param, startS3rver, type RunningS3 } from "../_support/servers/s3rver.ts";
import { exec, obj, recordingHooks, runContext, sh, sha256 } from "./_fixtures.ts";
import { tempDir } from "../_support/tmp.ts";

let s3: RunningS3;
beforeAll(async () => {
  s3 = await startS3rver("palhm-restore");
});
afterAll(async () => {
  await s3?.stop();
});

/** Writes a complete copy through the backend's CopyWriter, as a backup run does. */
async function writeCopy(backend: Copies, prefix: string, objects: Record<string, Uint8Array>): Promise<void> {
  const copy = await backend.createCopy(prefix);
  for (const [path, bytes] of Object.entries(objects)) {
    const sink = await copy.openSink(path, {});
    await sink.write(bytes);
    await sink.close();
  }
  await copy.commit({
    format: 1, task: "t", host: "test", prefix, start: "2022-05-01T06:59:17Z", end: "2022-05-01T06:59:18Z", version: "test",
    objects: Object.entries(objects).map(([path, b]) => ({ path, size: b.byteLength, sha256: sha256(b) })),
  });
}

/** Replaces an object's bytes behind palhm's back, with the SDK, as bit rot or tampering would. */
async function tamper(root: string, prefix: string, path: string, bytes: Uint8Array): Promise<void> {
  const { S3Client, PutObjectCommand } = await import("@aws-sdk/client-s3");
  const client = new S3Client({ endpoint: s3.endpoint, forcePathStyle: true, region: "us-east-1" });
  await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `${root}/${prefix}/${path}`, Body: bytes }));
  client.destroy();
}

function s3Task(root: string, objects: ResolvedBackupTask["objects"], calls: string[] = []): ResolvedBackupTask {
  return {
    type: "backup", id: "t", backend: s3Param(s3, { root }),
    groups: [{ id: "default", depends: [] }], objects, hooks: recordingHooks(calls),
  };
}

describe("restore from S3", () => {
  test("tar | zstd tree and a database dump: listed, verified, restored byte-identical through staged files", async () => {
    await using src = tempDir("restore-src");
    await using out = tempDir("restore-out");
    await using staging = tempDir("restore-staging");
    await mkdir(join(src.dir, "etc"), { recursive: true });
    await writeFile(join(src.dir, "etc/app.conf"), "port 5432\n");
    await writeFile(join(src.dir, "random.bin"), crypto.getRandomValues(new Uint8Array(200_000)));
    const tarball = await sh(`tar -cf - -C '${src.dir}' . | zstd -q -c`);
    const dump = new TextEncoder().encode("INSERT INTO t VALUES (42);\n".repeat(5000));
    await mkdir(join(out.dir, "tree"));
    const calls: string[] = [];
    const task = s3Task("round-trip", [
      obj("db/all.sql", [exec("sh", "-c", `cat > '${join(out.dir, "restored.sql")}'`)]),
      obj("files.tar.zst", [exec("zstd", "-d", "-q", "-c"), exec("tar", "-xf", "-", "-C", join(out.dir, "tree"))]),
    ], calls);
    const ctx = runContext(task);
    const backend = await openCopies(task.backend, { taskId: "t", log, signal: ctx.signal });
    try {
      await writeCopy(backend, "2022-05-01T06:59:17+00:00", { "db/all.sql": dump, "files.tar.zst": tarball });

      const listed = await listCopies(backend);
      expect(listed.map((c) => [c.prefix, c.state, c.objects])).toEqual([["2022-05-01T06:59:17+00:00", "complete", 2]]);
      expect(listed[0]!.size).toBeGreaterThan(BigInt(dump.byteLength + tarball.byteLength));
      expect((await verifyCopy(await backend.openCopy("2022-05-01T06:59:17+00:00"))).ok).toBe(true);

      const result = await runRestore(ctx, task, backend, { staging: staging.dir });
      expect(result.verified).toBe(true);
      expect(await readFile(join(out.dir, "restored.sql"))).toEqual(Buffer.from(dump));
      expect(await readFile(join(out.dir, "tree/etc/app.conf"), "utf8")).toBe("port 5432\n");
      expect(await readFile(join(out.dir, "tree/random.bin"))).toEqual(await readFile(join(src.dir, "random.bin")));
      expect(await readdir(staging.dir)).toEqual([]); // staged files are gone
      expect(calls).toEqual(["restore pre", "restore inspect", "restore post", "restore finally"]);
    } finally {
      await backend.close?.();
    }
  });

  test("one flipped byte in the bucket: verify names it, restore applies nothing", async () => {
    await using out = tempDir("restore-out");
    await using staging = tempDir("restore-staging");
    const a = new TextEncoder().encode("first object, sound\n");
    const b = new TextEncoder().encode("second object, about to rot\n");
    const task = s3Task("rot", [
      obj("a", [exec("sh", "-c", `cat > '${join(out.dir, "a")}'`)]),
      obj("b", [exec("sh", "-c", `cat > '${join(out.dir, "b")}'`)]),
    ]);
    const ctx = runContext(task);
    const backend = await openCopies(task.backend, { taskId: "t", log, signal: ctx.signal });
    try {
      const prefix = "2022-05-02T06:59:17+00:00";
      await writeCopy(backend, prefix, { a, b });
      const rotten = Uint8Array.from(b);
      rotten[7]! ^= 0x04;
      await tamper("rot", prefix, "b", rotten);

      const verdict = await verifyCopy(await backend.openCopy(prefix));
      expect(verdict.ok).toBe(false);
      expect(verdict.objects.map((o) => [o.path, o.status])).toEqual([["a", "ok"], ["b", "corrupt"]]);

      const e = await runRestore(ctx, task, backend, { staging: staging.dir }).catch((e) => e);
      expect(e).toBeInstanceOf(VerifyError);
      expect(e.message).toMatch(/object b of copy .*\(sha256 expected/);
      expect(await readdir(out.dir)).toEqual([]);
      expect(await readdir(staging.dir)).toEqual([]);

      // --stream: each object straight from the bucket into its pipeline, nothing staged; the rot is found once b was applied.
      const streamed = await runRestore(ctx, task, backend, { staging: staging.dir, stream: true }).catch((e) => e);
      expect(streamed).toBeInstanceOf(VerifyError);
      expect(streamed.message).toMatch(/object b of copy .* does not match its manifest \(sha256 expected .*found while it was being applied/);
      expect(await readFile(join(out.dir, "a"))).toEqual(Buffer.from(a));
      expect(await readFile(join(out.dir, "b"))).toEqual(Buffer.from(rotten));
      expect(await readdir(staging.dir)).toEqual([]);
    } finally {
      await backend.close?.();
    }
  });
});
