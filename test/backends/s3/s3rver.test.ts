/** The aws-s3 backend against a real S3 server: s3rver on 127.0.0.1. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { S3Tuning } from "../../../src/backends/s3/store.ts";
import type { Sink } from "../../../src/backends/store.ts";
import type { Copies } from "../../../src/copies/copies.ts";
import { PrefixTakenError } from "../../../src/copies/names.ts";
import type { Manifest } from "../../../src/backup/manifest.ts";
import { backendCtx, s3Param, startS3rver, type RunningS3, sha256Hex , openS3Copies } from "../../_support/servers/s3rver.ts";

let s3: RunningS3;
let raw: S3Client;
const opened: Copies[] = [];

beforeAll(async () => {
  s3 = await startS3rver();
  raw = new S3Client({ endpoint: s3.endpoint, forcePathStyle: true, region: "us-east-1" });
});
afterAll(async () => {
  for (const b of opened) await b.close?.();
  raw.destroy();
  await s3.stop();
});

async function _backend(root: string, tuning: S3Tuning = {}): Promise<Copies> {
  const b = await openS3Copies(s3Param(s3, { root }), tuning);
  opened.push(b);
  return b;
}

function _random(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}

/** Writes in uneven chunks, as a pipe delivers them. */
async function _feed(sink: Sink, data: Uint8Array, chunk = 10_007): Promise<void> {
  for (let i = 0; i < data.length; i += chunk) await sink.write(data.subarray(i, i + chunk));
  await sink.close();
}


async function _readBack(b: Copies, prefix: string, path: string): Promise<Uint8Array> {
  const r = await b.openCopy(prefix);
  return new Uint8Array(await new Response(await r.read(path)).arrayBuffer());
}

function _manifest(prefix: string, objects: Manifest["objects"] = []): Manifest {
  const now = new Date().toISOString();
  return { format: 1, task: "backup", host: "h", prefix, start: now, end: now, version: "test", objects };
}

async function _put(key: string, body: string): Promise<void> {
  await raw.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: body }));
}

const P1 = "2022-05-01T06:59:17+00:00";
const P2 = "2022-05-02T06:59:17+00:00";
const P3 = "2022-05-03T06:59:17+00:00";

describe("aws-s3 uploads (s3rver)", () => {
  test("a multi-part object round-trips byte for byte (SHA-256)", async () => {
    const b = await _backend("rt", { upload: { basePart: 64 * 1024 } });
    const w = await b.createCopy(P1);
    const data = _random(1024 * 1024 + 123);
    const sink = await b.store.openSink(`${P1}/db/dump.sql.zst`, {}); // the store's own sink, to count its parts
    await _feed(sink, data);
    expect((sink as unknown as { partCount: number }).partCount).toBe(17);
    expect(sha256Hex(await _readBack(b, P1, "db/dump.sql.zst"))).toBe(sha256Hex(data));
  });

  test("a stream beyond first part size × part limit still uploads, with growing parts", async () => {
    const b = await _backend("grow", { upload: { basePart: 16 * 1024, maxParts: 6, maxObject: 1024 * 1024 } });
    const w = await b.createCopy(P1);
    const data = _random(600 * 1024); // 16 KiB × 6 parts = 96 KiB would not hold it
    const sink = await b.store.openSink(`${P1}/big`, {}); // the store's own sink, to count its parts
    await _feed(sink, data);
    expect((sink as unknown as { partCount: number }).partCount).toBeLessThanOrEqual(6);
    expect(sha256Hex(await _readBack(b, P1, "big"))).toBe(sha256Hex(data));
  });

  test("a stream beyond what the part limit can ever hold fails clearly", async () => {
    const b = await _backend("toobig", { upload: { basePart: 1024, maxPart: 1024, maxParts: 3 } });
    const w = await b.createCopy(P1);
    const sink = await w.openSink("big", {});
    await expect(_feed(sink, _random(10 * 1024))).rejects.toThrow(/exceeds 3 parts/);
    await sink.abort();
    await w.rollback();
    expect(await b.listCopies()).toEqual([]);
  });

  test("a small object is one PutObject and an empty stream gives an empty object", async () => {
    const b = await _backend("small");
    const w = await b.createCopy(P1);
    const small = _random(5000);
    await _feed(await w.openSink("small", {}), small);
    await (await w.openSink("empty", {})).close();
    const r = await b.openCopy(P1);
    expect(await r.objects()).toEqual([
      { path: "empty", size: 0n },
      { path: "small", size: 5000n },
    ]);
    expect((await _readBack(b, P1, "empty")).length).toBe(0);
    expect(sha256Hex(await _readBack(b, P1, "small"))).toBe(sha256Hex(small));
  });
});

describe("aws-s3 copies (s3rver)", () => {
  test("a copy is incomplete while written and complete after commit, with its manifest and without the mark", async () => {
    const b = await _backend("life");
    const w = await b.createCopy(P1);
    expect(w.location).toBe(`s3://${s3.bucket}/life/${P1}/`);
    await _feed(await w.openSink("a.txt", {}), new TextEncoder().encode("hello"));
    expect((await b.listCopies()).map((c) => c.state)).toEqual(["incomplete"]);
    const m = _manifest(P1, [{ path: "a.txt", size: 5, sha256: sha256Hex(new TextEncoder().encode("hello")) }]);
    await w.commit(m);
    const [info] = await b.listCopies();
    expect(info!.state).toBe("complete");
    const r = await b.openCopy(P1);
    expect(await r.manifest()).toEqual(m);
    expect((await r.objects()).map((o) => o.path)).toEqual(["a.txt"]);
  });

  test("creating a copy whose prefix already holds an object is refused and changes nothing", async () => {
    await _put(`taken/${P1}/someone-elses-file`, "keep me");
    const b = await _backend("taken");
    const err = await b.createCopy(P1).catch((e) => e);
    expect(err).toBeInstanceOf(PrefixTakenError);
    const r = await b.openCopy(P1);
    expect(r.state).toBe("legacy");
    expect(await r.objects()).toEqual([{ path: "someone-elses-file", size: 7n }]);
  });

  test("listing the root: copies oldest first with their sizes and states; other names ignored", async () => {
    await _put(`list/${P1}/legacy.tar`, "0123456789");
    await _put(`list/not-a-copy/x`, "ignored");
    await _put(`list/README`, "ignored");
    await _put(`list2/${P1}/other-root`, "ignored");
    const b = await _backend("list"); // pages of 2 keys: see loopback.test.ts (s3rver's continuation tokens need DES, absent from Bun)
    const w3 = await b.createCopy(P3);
    await _feed(await w3.openSink("x", {}), new Uint8Array(100));
    const w2 = await b.createCopy(P2);
    await _feed(await w2.openSink("a", {}), new Uint8Array(30));
    await _feed(await w2.openSink("sub/b", {}), new Uint8Array(12));
    await w2.commit(_manifest(P2));
    const copies = await b.listCopies();
    expect(copies.map((c) => [c.prefix, c.state])).toEqual([
      [P1, "legacy"],
      [P2, "complete"],
      [P3, "incomplete"],
    ]);
    const r2 = await b.openCopy(P2);
    const manifestBytes = BigInt(new TextEncoder().encode(JSON.stringify(await r2.manifest(), null, 2) + "\n").length);
    expect(copies[0]!.size).toBe(10n);
    expect(copies[1]!.size).toBe(42n + manifestBytes);
    expect(copies[2]!.size).toBeGreaterThan(100n); // the object and the mark
  });

  test("with an empty root, copies sit at the top of the bucket", async () => {
    const bucket = await startS3rver("top-bucket");
    try {
      const b = await openS3Copies(s3Param(bucket, { root: "" }));
      const w = await b.createCopy(P1);
      await _feed(await w.openSink("f", {}), new Uint8Array(3));
      await w.commit(_manifest(P1));
      expect(w.location).toBe(`s3://top-bucket/${P1}/`);
      expect((await b.listCopies()).map((c) => c.prefix)).toEqual([P1]);
      await b.close?.();
    } finally {
      await bucket.stop();
    }
  });

  test("rollback deletes every object of the failed copy and leaves earlier copies untouched", async () => {
    const b = await _backend("rollback", { deleteBatch: 2, upload: { basePart: 16 * 1024 } });
    const w1 = await b.createCopy(P1);
    await _feed(await w1.openSink("keep", {}), new Uint8Array(10));
    await w1.commit(_manifest(P1));
    const w2 = await b.createCopy(P2);
    for (const p of ["a", "b", "c/d", "e"]) await _feed(await w2.openSink(p, {}), _random(40 * 1024));
    await w2.rollback();
    expect((await b.listCopies()).map((c) => [c.prefix, c.state])).toEqual([[P1, "complete"]]);
    expect((await (await b.openCopy(P1)).objects()).map((o) => o.path)).toEqual(["keep"]);
  });

  test("removeCopy deletes a whole copy in batches", async () => {
    const b = await _backend("remove", { deleteBatch: 3 });
    const w = await b.createCopy(P1);
    for (let i = 0; i < 7; i++) await _feed(await w.openSink(`o${i}`, {}), new Uint8Array(i));
    await w.commit(_manifest(P1));
    await b.removeCopy(P1);
    expect(await b.listCopies()).toEqual([]);
  });

  test("reading a missing object names it", async () => {
    const b = await _backend("missing");
    const w = await b.createCopy(P1);
    await w.commit(_manifest(P1));
    const r = await b.openCopy(P1);
    await expect(r.read("nope")).rejects.toThrow(`s3://${s3.bucket}/missing/${P1}/nope`);
  });
});
