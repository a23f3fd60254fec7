/**
 * The aws-s3 backend against a loopback S3 server (test/_support/servers/loopback-s3.ts),
 * for what s3rver cannot do: ListMultipartUploads and AbortMultipartUpload,
 * storage-class changes by CopyObject, UploadPartCopy, paginated listings
 * (s3rver's continuation tokens need DES, which Bun lacks), and injected
 * faults (503/500 answers, 403, per-key DeleteObjects errors).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import type { S3Tuning } from "../../../src/backends/s3/store.ts";
import type { Sink } from "../../../src/backends/store.ts";
import type { Copies } from "../../../src/copies/copies.ts";
import type { CopyWriter } from "../../../src/copies/writer.ts";
import { BackendError } from "../../../src/errors.ts";
import type { Manifest } from "../../../src/backup/manifest.ts";
import { crc32Base64, s3ErrorResponse, startLoopbackS3, xmlResponse, type LoopbackS3 } from "../../_support/servers/loopback-s3.ts";
import { backendCtx, s3Param, useFakeCredentials, sha256Hex , openS3Copies } from "../../_support/servers/s3rver.ts";

const SECRET = "loopback-secret-do-not-print-9f8e7d";
let s3: LoopbackS3;
const opened: Copies[] = [];

beforeAll(() => {
  useFakeCredentials();
  process.env.AWS_SECRET_ACCESS_KEY = SECRET;
  s3 = startLoopbackS3();
});
beforeEach(() => {
  s3.objects.clear();
  s3.uploads.clear();
  s3.requests.length = 0;
  s3.fault = null;
});
afterAll(async () => {
  for (const b of opened) await b.close?.();
  await s3.stop();
});

async function _backend(extra: Parameters<typeof s3Param>[1] = {}, tuning: S3Tuning = {}): Promise<Copies> {
  const b = await openS3Copies(s3Param(s3, { root: "r", ...extra }), tuning);
  opened.push(b);
  return b;
}

const P1 = "2022-05-01T06:59:17+00:00";
const P2 = "2022-05-02T06:59:17+00:00";
const P3 = "2022-05-03T06:59:17+00:00";

function _bytes(n: number, seed = 1): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
}
async function _feed(sink: Sink, data: Uint8Array): Promise<void> {
  for (let i = 0; i < data.length; i += 4096) await sink.write(data.subarray(i, i + 4096));
  await sink.close();
}
function _manifest(prefix: string): Manifest {
  const t = new Date().toISOString();
  return { format: 1, task: "backup", host: "h", prefix, start: t, end: t, version: "test", objects: [] };
}
async function _committed(b: Copies, prefix: string, objects: Record<string, number>): Promise<CopyWriter> {
  const w = await b.createCopy(prefix);
  for (const [p, n] of Object.entries(objects)) await _feed(await w.openSink(p, {}), _bytes(n));
  await w.commit(_manifest(prefix));
  return w;
}

describe("aws-s3 listing and deletion (loopback S3 server)", () => {
  test("listing pages through the root with small pages and sums each copy's sizes", async () => {
    const b = await _backend({}, { pageSize: 2 });
    await _committed(b, P1, { a: 10, b: 20, "c/d": 30 });
    await _committed(b, P2, { a: 5 });
    const copies = await b.listCopies();
    const lists = s3.requests.filter((r) => r.query.get("list-type") === "2" && r.query.get("prefix") === "r/");
    expect(lists.length).toBeGreaterThan(2);
    expect(copies.map((c) => [c.prefix, c.state])).toEqual([
      [P1, "complete"],
      [P2, "complete"],
    ]);
    const manifestSize = (p: string) => BigInt(s3.objects.get(`r/${p}/.palhm-manifest.json`)!.data.length);
    expect(copies[0]!.size).toBe(60n + manifestSize(P1));
    expect(copies[1]!.size).toBe(5n + manifestSize(P2));
  });

  test("removeCopy deletes in DeleteObjects batches of at most the batch size", async () => {
    const b = await _backend({}, { deleteBatch: 3 });
    await _committed(b, P1, { o1: 1, o2: 1, o3: 1, o4: 1, o5: 1, o6: 1, o7: 1 });
    await _committed(b, P2, { keep: 1 });
    s3.requests.length = 0;
    await b.removeCopy(P1);
    const batches = s3.requests.filter((r) => r.deleteCount !== undefined).map((r) => r.deleteCount);
    // The manifest goes first, alone; then the 7 objects; the mark put in the manifest's place goes last.
    expect(batches).toEqual([1, 3, 3, 1, 1]);
    expect([...s3.objects.keys()].filter((k) => k.startsWith(`r/${P1}/`))).toEqual([]);
    expect(s3.objects.has(`r/${P2}/keep`)).toBe(true);
  });

  test("a removal cut short leaves the copy incomplete, never complete with objects missing", async () => {
    const b = await _backend({}, { deleteBatch: 2 });
    await _committed(b, P1, { o1: 1, o2: 1, o3: 1, o4: 1 });
    let batch = 0;
    s3.fault = (r) => (r.query.has("delete") && ++batch >= 3 ? s3ErrorResponse(403, "AccessDenied", "Access Denied") : undefined);
    expect(await b.removeCopy(P1).catch((e) => e)).toBeInstanceOf(BackendError);
    s3.fault = null;
    expect((await b.listCopies()).map((c) => [c.prefix, c.state])).toEqual([[P1, "incomplete"]]);
  });

  test("a key DeleteObjects could not delete fails the removal, naming the key", async () => {
    const b = await _backend();
    await _committed(b, P1, { stuck: 1 });
    s3.fault = (r) =>
      r.query.has("delete")
        ? xmlResponse(
            `<DeleteResult><Error><Key>r/${P1}/stuck</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error></DeleteResult>`,
          )
        : undefined;
    const err = await b.removeCopy(P1).catch((e) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect(err.message).toContain(`s3://loop-bucket/r/${P1}/stuck`);
    expect(err.message).toContain("access denied");
  });
});

describe("aws-s3 rollback and multipart aborts (loopback S3 server)", () => {
  test("rollback deletes the copy's objects and aborts its unfinished uploads, including a dead run's", async () => {
    const b = await _backend({}, { upload: { basePart: 8 * 1024 } });
    await _committed(b, P1, { keep: 3 });
    s3.uploads.set("dead-run-upload", { key: `r/${P2}/left-over`, storageClass: "STANDARD", parts: new Map() });
    s3.uploads.set("other-copy-upload", { key: `r/${P3}/x`, storageClass: "STANDARD", parts: new Map() });
    const w = await b.createCopy(P2);
    await _feed(await w.openSink("done", {}), _bytes(100));
    const open = await w.openSink("half", {});
    await open.write(_bytes(40 * 1024)); // several parts sent, upload left unfinished
    await w.rollback();
    expect(s3.requests.some((r) => r.key === `r/${P2}/half` && r.query.has("uploads"))).toBe(true);
    expect([...s3.objects.keys()].filter((k) => k.startsWith(`r/${P2}/`))).toEqual([]);
    expect([...s3.uploads.keys()]).toEqual(["other-copy-upload"]);
    expect(s3.objects.has(`r/${P1}/keep`)).toBe(true);
  });

  test("an aborted sink aborts its multipart upload", async () => {
    const b = await _backend({}, { upload: { basePart: 8 * 1024 } });
    const w = await b.createCopy(P1);
    const sink = await w.openSink("obj", {});
    await sink.write(_bytes(20 * 1024));
    await sink.abort(new Error("pipeline failed"));
    // Parts still uploading are cancelled; the upload itself was created, then aborted.
    expect(s3.requests.filter((r) => r.method === "POST" && r.query.has("uploads")).length).toBe(1);
    expect(s3.requests.filter((r) => r.method === "DELETE" && r.query.has("uploadId")).length).toBe(1);
    expect(s3.uploads.size).toBe(0);
    expect(s3.objects.has(`r/${P1}/obj`)).toBe(false);
  });

  test("finalize aborts unfinished uploads left under the copy's prefix", async () => {
    const b = await _backend();
    const w = await _committed(b, P1, { a: 1 });
    s3.uploads.set("stray", { key: `r/${P1}/stray`, storageClass: "STANDARD", parts: new Map() });
    await w.finalize();
    expect(s3.uploads.size).toBe(0);
  });
});

describe("aws-s3 storage classes (loopback S3 server)", () => {
  test("uploads use sinkStorageClass; finalize moves data objects to rotStorageClass, multipart copy above the copy limit", async () => {
    const b = await _backend(
      { sinkStorageClass: "STANDARD_IA", rotStorageClass: "GLACIER" },
      { upload: { basePart: 8 * 1024 }, maxCopy: 32 * 1024, maxCopyPart: 16 * 1024, minCopyPart: 1 },
    );
    const small = _bytes(1000, 3);
    const big = _bytes(50 * 1024, 7);
    const w = await b.createCopy(P1);
    await _feed(await w.openSink("small", {}), small);
    await _feed(await w.openSink("dir/big", {}), big);
    await w.commit(_manifest(P1));
    expect(s3.objects.get(`r/${P1}/dir/big`)!.storageClass).toBe("STANDARD_IA");
    expect(s3.objects.get(`r/${P1}/small`)!.storageClass).toBe("STANDARD_IA");
    s3.requests.length = 0;
    await w.finalize();
    expect(s3.objects.get(`r/${P1}/small`)!.storageClass).toBe("GLACIER");
    expect(s3.objects.get(`r/${P1}/dir/big`)!.storageClass).toBe("GLACIER");
    // The manifest stays readable for list/verify/restore.
    expect(s3.objects.get(`r/${P1}/.palhm-manifest.json`)!.storageClass).toBe("STANDARD_IA");
    expect(sha256Hex(s3.objects.get(`r/${P1}/dir/big`)!.data)).toBe(sha256Hex(big));
    expect(sha256Hex(s3.objects.get(`r/${P1}/small`)!.data)).toBe(sha256Hex(small));
    const ranges = s3.requests.map((r) => r.headers.get("x-amz-copy-source-range")).filter(Boolean);
    // 50 KiB in parts of at most 16 KiB: four even ranges.
    expect(ranges).toEqual(["bytes=0-12799", "bytes=12800-25599", "bytes=25600-38399", "bytes=38400-51199"]);
    const singleCopies = s3.requests.filter((r) => r.headers.has("x-amz-copy-source") && !r.query.has("uploadId"));
    expect(singleCopies.map((r) => r.key)).toEqual([`r/${P1}/small`]);
  });

  test("no move when rotStorageClass is the upload class", async () => {
    const b = await _backend({ rotStorageClass: "STANDARD" });
    const w = await _committed(b, P1, { a: 10 });
    s3.requests.length = 0;
    await w.finalize();
    expect(s3.requests.some((r) => r.headers.has("x-amz-copy-source"))).toBe(false);
  });
});

describe("aws-s3 failures (loopback S3 server)", () => {
  test("transient 503 SlowDown and 500 answers are retried and the object arrives intact", async () => {
    const b = await _backend({}, { upload: { basePart: 8 * 1024 } });
    const failures = new Map([
      ["part", 2],
      ["put", 1],
    ]);
    s3.fault = (r) => {
      const kind = r.query.has("partNumber") ? "part" : r.method === "PUT" && r.key.endsWith("/small") ? "put" : null;
      if (!kind || !failures.get(kind)) return undefined;
      failures.set(kind, failures.get(kind)! - 1);
      return kind === "part"
        ? s3ErrorResponse(503, "SlowDown", "Please reduce your request rate.")
        : s3ErrorResponse(500, "InternalError", "We encountered an internal error. Please try again.");
    };
    const w = await b.createCopy(P1);
    const big = _bytes(30 * 1024, 9);
    await _feed(await w.openSink("big", {}), big);
    await _feed(await w.openSink("small", {}), _bytes(10));
    expect([...failures.values()]).toEqual([0, 0]);
    expect(sha256Hex(s3.objects.get(`r/${P1}/big`)!.data)).toBe(sha256Hex(big));
    expect(s3.objects.get(`r/${P1}/small`)!.data.length).toBe(10);
  });

  test("403 is reported as access denied, naming bucket and key, without the secret key", async () => {
    const b = await _backend();
    s3.fault = () => s3ErrorResponse(403, "AccessDenied", "Access Denied");
    const err = await b.createCopy(P1).catch((e) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect(err.message).toContain("access denied");
    expect(err.message).toContain(`s3://loop-bucket/r/${P1}/`);
    expect(err.message).not.toContain(SECRET);
    expect(String(err.stack)).not.toContain(SECRET);
    expect(s3.objects.size).toBe(0);
  });

  test("a part refused for a skewed clock is signed again with the store's time and sent again", async () => {
    const b = await _backend({}, { upload: { basePart: 8 * 1024 } });
    const ahead = Date.now() + 3_600_000; // the store's clock is an hour ahead of this machine's
    let refused = 0;
    s3.fault = (r) => {
      if (r.query.get("partNumber") !== "2" || refused++ > 0) return undefined;
      const answer = s3ErrorResponse(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.");
      answer.headers.set("date", new Date(ahead).toUTCString());
      return answer;
    };
    const w = await b.createCopy(P1);
    const data = _bytes(30 * 1024, 4);
    await _feed(await w.openSink("obj", {}), data);
    expect(sha256Hex(s3.objects.get(`r/${P1}/obj`)!.data)).toBe(sha256Hex(data));
    const part2 = s3.requests.filter((r) => r.query.get("partNumber") === "2");
    expect(part2).toHaveLength(2);
    const signedAt = (r: (typeof part2)[number]) => Date.parse(r.headers.get("x-amz-date")!.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, "$1-$2-$3T$4:$5:$6Z"));
    expect(Math.abs(signedAt(part2[1]!) - ahead)).toBeLessThan(60_000);
    expect(Math.abs(signedAt(part2[0]!) - Date.now())).toBeLessThan(60_000);
  });

  test("a part failing for good fails close, and the upload is aborted", async () => {
    const b = await _backend({}, { upload: { basePart: 8 * 1024 } });
    s3.fault = (r) => (r.query.get("partNumber") === "2" ? s3ErrorResponse(400, "InvalidArgument", "bad part") : undefined);
    const w = await b.createCopy(P1);
    const sink = await w.openSink("obj", {});
    const err = await _feed(sink, _bytes(30 * 1024)).catch((e) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect(err.message).toContain(`s3://loop-bucket/r/${P1}/obj: UploadPart 2 failed`);
    expect(s3.uploads.size).toBe(0);
  });
});

describe("aws-s3 part integrity (loopback S3 server)", () => {
  test("on AWS each part carries the signed CRC32 of its own bytes, the upload is created and completed with CRC32, and the store accepts it", async () => {
    const b = await _backend({}, { upload: { basePart: 8 * 1024 }, partChecksum: "crc32" });
    const w = await b.createCopy(P1);
    const data = _bytes(30 * 1024, 9);
    await _feed(await w.openSink("obj", {}), data);
    expect(s3.requests.find((r) => r.method === "POST" && r.query.has("uploads"))?.headers.get("x-amz-checksum-algorithm")).toBe("CRC32");
    const parts = s3.requests.filter((r) => r.query.has("partNumber") && r.key === `r/${P1}/obj`);
    expect(parts).toHaveLength(4);
    expect(parts.some((r) => r.query.has("x-id"))).toBe(false); // single signed fetches, not the SDK's requests
    const stored = s3.objects.get(`r/${P1}/obj`)!.data;
    expect(sha256Hex(stored)).toBe(sha256Hex(data));
    for (const r of parts) {
      const n = Number(r.query.get("partNumber"));
      expect(r.headers.get("x-amz-checksum-crc32")).toBe(crc32Base64(stored.subarray((n - 1) * 8 * 1024, n * 8 * 1024)));
      expect(r.headers.get("content-md5")).toBeNull();
      expect(r.headers.get("x-amz-content-sha256")).toBe("UNSIGNED-PAYLOAD");
      expect(/SignedHeaders=([^,]*)/.exec(r.headers.get("authorization") ?? "")?.[1]?.split(";")).toContain("x-amz-checksum-crc32");
    }
  });

  test("through the SDK (uploads not signed with plain SigV4 go that way) parts carry the same signed checksum and the object is stored whole", async () => {
    const b = await _backend({}, { upload: { basePart: 8 * 1024 }, partChecksum: "crc32", directParts: false });
    const w = await b.createCopy(P1);
    const data = _bytes(30 * 1024, 7);
    await _feed(await w.openSink("obj", {}), data);
    const parts = s3.requests.filter((r) => r.query.has("partNumber") && r.key === `r/${P1}/obj`);
    expect(parts).toHaveLength(4);
    expect(parts.every((r) => r.query.get("x-id") === "UploadPart")).toBe(true); // the SDK's own query parameter: these went through it
    const stored = s3.objects.get(`r/${P1}/obj`)!.data;
    expect(sha256Hex(stored)).toBe(sha256Hex(data));
    for (const r of parts) {
      expect(r.headers.get("x-amz-content-sha256")).toBe("UNSIGNED-PAYLOAD");
      expect(/SignedHeaders=([^,]*)/.exec(r.headers.get("authorization") ?? "")?.[1]?.split(";")).toContain("x-amz-checksum-crc32");
    }
  });

  test("HTTP(S)_PROXY in the environment is not used for parts, as the SDK's own requests do not use it: one route for the whole upload", async () => {
    let connections = 0;
    const proxy = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { open: (s) => void (connections++, s.end()), data() {} } });
    const names = ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"] as const;
    const before = names.map((n) => process.env[n]);
    for (const n of names) process.env[n] = `http://127.0.0.1:${proxy.port}`;
    try {
      const b = await _backend({}, { upload: { basePart: 8 * 1024 } });
      const w = await b.createCopy(P1);
      const data = _bytes(30 * 1024, 8);
      await _feed(await w.openSink("obj", {}), data);
      expect(sha256Hex(s3.objects.get(`r/${P1}/obj`)!.data)).toBe(sha256Hex(data));
      expect(s3.requests.filter((r) => r.query.has("partNumber"))).toHaveLength(4);
      expect(connections).toBe(0);
    } finally {
      names.forEach((n, i) => (before[i] === undefined ? delete process.env[n] : (process.env[n] = before[i])));
      proxy.stop(true);
    }
  });

  test("a redirected part is not followed: the upload fails naming S3's TemporaryRedirect, and the other host hears nothing", async () => {
    let elsewhere = 0;
    const other = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => (elsewhere++, new Response("")) });
    try {
      const b = await _backend({}, { upload: { basePart: 8 * 1024 } });
      s3.fault = (r) =>
        r.query.get("partNumber") === "2"
          ? new Response(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>TemporaryRedirect</Code><Message>Please re-send this request to the specified temporary endpoint.</Message></Error>`, {
              status: 307,
              headers: { location: `http://127.0.0.1:${other.port}/loop-bucket/r`, "content-type": "application/xml" },
            })
          : undefined;
      const w = await b.createCopy(P1);
      const err = await _feed(await w.openSink("obj", {}), _bytes(30 * 1024)).catch((e) => e);
      expect(err).toBeInstanceOf(BackendError);
      expect(err.message).toContain("UploadPart 2 failed: TemporaryRedirect (HTTP 307)");
      expect(elsewhere).toBe(0);
      expect(s3.uploads.size).toBe(0); // aborted
    } finally {
      await other.stop(true);
    }
  });

  test("a part that stops answering times out and is sent again; the object is stored whole", async () => {
    const b = await _backend({}, { upload: { basePart: 8 * 1024 } });
    const w = await b.createCopy(P1);
    let stalled = 0;
    s3.fault = (r) => (r.query.get("partNumber") === "2" && stalled++ === 0 ? (new Promise<Response>(() => {}) as unknown as Response) : undefined);
    const before = process.env.PALHM_AWS_TIMEOUT;
    process.env.PALHM_AWS_TIMEOUT = "1";
    try {
      const data = _bytes(30 * 1024, 3);
      await _feed(await w.openSink("obj", {}), data);
      expect(sha256Hex(s3.objects.get(`r/${P1}/obj`)!.data)).toBe(sha256Hex(data));
    } finally {
      if (before === undefined) delete process.env.PALHM_AWS_TIMEOUT;
      else process.env.PALHM_AWS_TIMEOUT = before;
    }
    expect(stalled).toBe(2);
  });

  test("behind a custom endpoint each part carries the signed MD5 of its own bytes for the store to check, instead of a SHA-256 payload hash", async () => {
    const b = await _backend({}, { upload: { basePart: 8 * 1024 } });
    const w = await b.createCopy(P1);
    const data = _bytes(30 * 1024, 5);
    await _feed(await w.openSink("obj", {}), data);
    const parts = s3.requests.filter((r) => r.query.has("partNumber") && r.key === `r/${P1}/obj`);
    expect(parts.map((r) => Number(r.query.get("partNumber"))).sort()).toEqual([1, 2, 3, 4]);
    const stored = s3.objects.get(`r/${P1}/obj`)!.data;
    expect(sha256Hex(stored)).toBe(sha256Hex(data));
    for (const r of parts) {
      const n = Number(r.query.get("partNumber"));
      const bytes = stored.subarray((n - 1) * 8 * 1024, n * 8 * 1024);
      expect(r.headers.get("content-md5")).toBe(new Bun.CryptoHasher("md5").update(bytes).digest("base64"));
      expect(r.headers.get("x-amz-content-sha256")).toBe("UNSIGNED-PAYLOAD");
      expect(/SignedHeaders=([^,]*)/.exec(r.headers.get("authorization") ?? "")?.[1]?.split(";")).toContain("content-md5");
    }
  });
});
