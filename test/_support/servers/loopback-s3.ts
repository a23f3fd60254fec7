/**
 * A loopback S3 server (Bun.serve on 127.0.0.1, ephemeral port) speaking
 * S3's REST/XML, path-style, for the calls s3rver lacks: ListMultipartUploads,
 * AbortMultipartUpload, CopyObject with a storage class, UploadPartCopy; plus
 * the few others a copy needs (PutObject, multipart upload, ListObjectsV2,
 * DeleteObjects, DeleteObject, GetObject). Objects live in memory.
 *
 * `fault` lets a test answer a request with an error (503 SlowDown, 403...)
 * before the server handles it; `requests` records every call.
 *
 * Archive storage classes behave as in S3 (s3rver has none of this): an
 * object in GLACIER or DEEP_ARCHIVE answers GetObject with 403
 * InvalidObjectState until it is restored; HeadObject shows its class and
 * `x-amz-restore`; RestoreObject (POST ?restore) starts a thaw (202), which
 * `finishThaws()` completes.
 */
export interface StoredObject {
  data: Uint8Array;
  storageClass: string;
  /** RestoreObject was asked: `ongoing` until `finishThaws()`, then `done` (readable). */
  thaw?: { state: "ongoing" | "done"; days: number };
}

const _ARCHIVE_CLASSES = new Set(["GLACIER", "DEEP_ARCHIVE"]);
const _frozen = (o: StoredObject) => _ARCHIVE_CLASSES.has(o.storageClass) && o.thaw?.state !== "done";

export interface Upload {
  key: string;
  storageClass: string;
  parts: Map<number, Uint8Array>;
  /** CreateMultipartUpload's x-amz-checksum-algorithm: then, as on AWS, every part must carry it and Complete must list each part's. */
  checksumAlgorithm?: string;
}

export interface RecordedRequest {
  method: string;
  bucket: string;
  key: string;
  query: URLSearchParams;
  headers: Headers;
  /** DeleteObjects: how many keys the request named. */
  deleteCount?: number;
}

export interface LoopbackS3 {
  readonly endpoint: string;
  readonly bucket: string;
  readonly objects: Map<string, StoredObject>;
  /** Every bucket's objects, the first bucket's included. */
  readonly buckets: Map<string, Map<string, StoredObject>>;
  readonly uploads: Map<string, Upload>;
  readonly requests: RecordedRequest[];
  /** Answer with an error instead of handling the request, when it returns one. */
  fault: ((r: RecordedRequest) => Response | undefined) | null;
  /** Completes every thaw RestoreObject started: those objects can be read. */
  finishThaws(): void;
  stop(): Promise<void>;
}

const _esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
export const xmlResponse = (body: string, status = 200) => _xml(body, status);

/** A CRC32 as S3 writes it: big-endian, base64. */
export function crc32Base64(data: Uint8Array): string {
  const be = new Uint8Array(4);
  new DataView(be.buffer).setUint32(0, Bun.hash.crc32(data) >>> 0);
  return Buffer.from(be).toString("base64");
}
const _xml = (body: string, status = 200) =>
  new Response(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`, {
    status,
    headers: { "content-type": "application/xml" },
  });

export function s3ErrorResponse(status: number, code: string, message: string): Response {
  return _xml(`<Error><Code>${code}</Code><Message>${_esc(message)}</Message><RequestId>loopback</RequestId></Error>`, status);
}

const _etag = (data: Uint8Array) => `"${new Bun.CryptoHasher("md5").update(data).digest("hex")}"`;

export function startLoopbackS3(bucket = "loop-bucket", otherBuckets: readonly string[] = []): LoopbackS3 {
  const objects = new Map<string, StoredObject>();
  const buckets = new Map<string, Map<string, StoredObject>>([[bucket, objects], ...otherBuckets.map((b) => [b, new Map<string, StoredObject>()] as const)]);
  const uploads = new Map<string, Upload>();
  const requests: RecordedRequest[] = [];
  let nextId = 1;

  const state: LoopbackS3 = {
    endpoint: "",
    bucket,
    objects,
    buckets,
    uploads,
    requests,
    fault: null,
    finishThaws() {
      for (const o of objects.values()) if (o.thaw) o.thaw.state = "done";
    },
    async stop() {
      await server.stop(true);
    },
  };

  async function handle(req: Request, r: RecordedRequest): Promise<Response> {
    const objects = buckets.get(r.bucket)!;
    const q = r.query;
    const key = r.key;
    const body = new Uint8Array(await req.arrayBuffer());
    if (!key) {
      if (req.method === "GET" && q.get("list-type") === "2") return listObjects(objects, q);
      if (req.method === "GET" && q.has("uploads")) return listUploads(q);
      if (req.method === "POST" && q.has("delete")) return deleteObjects(objects, new TextDecoder().decode(body), r);
      return s3ErrorResponse(501, "NotImplemented", `bucket call ${req.method} ${q}`);
    }
    const copySource = r.headers.get("x-amz-copy-source");
    const uploadId = q.get("uploadId");
    if (req.method === "POST" && q.has("uploads")) {
      const id = `upload-${nextId++}`;
      uploads.set(id, { key, storageClass: r.headers.get("x-amz-storage-class") ?? "STANDARD", parts: new Map(), checksumAlgorithm: r.headers.get("x-amz-checksum-algorithm") ?? undefined });
      return _xml(`<InitiateMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${_esc(key)}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`);
    }
    if (uploadId !== null) {
      const up = uploads.get(uploadId);
      if (!up) return s3ErrorResponse(404, "NoSuchUpload", "The specified upload does not exist.");
      if (req.method === "PUT") {
        let data: Uint8Array = body;
        if (copySource) {
          const src = _copySource(buckets, copySource);
          if (!src) return s3ErrorResponse(404, "NoSuchKey", "no copy source");
          const m = /^bytes=(\d+)-(\d+)$/.exec(r.headers.get("x-amz-copy-source-range") ?? "");
          data = m ? src.data.slice(Number(m[1]), Number(m[2]) + 1) : src.data;
          up.parts.set(Number(q.get("partNumber")), data);
          return _xml(`<CopyPartResult><ETag>${_etag(data)}</ETag><LastModified>${new Date().toISOString()}</LastModified></CopyPartResult>`);
        }
        const crc = r.headers.get("x-amz-checksum-crc32");
        if (up.checksumAlgorithm === "CRC32" && !crc) return s3ErrorResponse(400, "InvalidRequest", "Checksum Type mismatch occurred, expected checksum Type: crc32");
        if (crc !== null && crc !== crc32Base64(data)) return s3ErrorResponse(400, "BadDigest", "The CRC32 you specified did not match the calculated checksum.");
        up.parts.set(Number(q.get("partNumber")), data);
        return new Response(null, { headers: { etag: _etag(data) } });
      }
      if (req.method === "POST") {
        const xml = new TextDecoder().decode(body);
        const numbers = [...xml.matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((m) => Number(m[1]));
        const chunks = numbers.map((n) => up.parts.get(n));
        if (chunks.some((c) => !c)) return s3ErrorResponse(400, "InvalidPart", "a part is missing");
        if (up.checksumAlgorithm === "CRC32") {
          const listed = [...xml.matchAll(/<Part>(.*?)<\/Part>/gs)].map((m) => /<ChecksumCRC32>([^<]*)<\/ChecksumCRC32>/.exec(m[1]!)?.[1]);
          if (listed.some((c, i) => c !== crc32Base64(chunks[i]!))) return s3ErrorResponse(400, "InvalidPart", "The upload was created using a crc32 checksum. The complete request must include the checksum for each part.");
        }
        const data = new Uint8Array(Buffer.concat(chunks as Uint8Array[]));
        objects.set(key, { data, storageClass: up.storageClass });
        uploads.delete(uploadId);
        return _xml(`<CompleteMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${_esc(key)}</Key><ETag>${_etag(data)}</ETag></CompleteMultipartUploadResult>`);
      }
      if (req.method === "DELETE") {
        uploads.delete(uploadId);
        return new Response(null, { status: 204 });
      }
    }
    if (req.method === "PUT" && copySource) {
      const src = _copySource(buckets, copySource);
      if (!src) return s3ErrorResponse(404, "NoSuchKey", "no copy source");
      objects.set(key, { data: src.data, storageClass: r.headers.get("x-amz-storage-class") ?? "STANDARD" });
      return _xml(`<CopyObjectResult><ETag>${_etag(src.data)}</ETag><LastModified>${new Date().toISOString()}</LastModified></CopyObjectResult>`);
    }
    if (req.method === "PUT") {
      objects.set(key, { data: body, storageClass: r.headers.get("x-amz-storage-class") ?? "STANDARD" });
      return new Response(null, { headers: { etag: _etag(body) } });
    }
    if (req.method === "POST" && q.has("restore")) return restoreObject(objects, key, new TextDecoder().decode(body));
    if (req.method === "HEAD") {
      const o = objects.get(key);
      if (!o) return new Response(null, { status: 404 });
      const headers: Record<string, string> = { etag: _etag(o.data), "content-length": String(o.data.length) };
      if (o.storageClass !== "STANDARD") headers["x-amz-storage-class"] = o.storageClass;
      if (o.thaw) headers["x-amz-restore"] = o.thaw.state === "ongoing" ? 'ongoing-request="true"' : 'ongoing-request="false", expiry-date="Fri, 01 Jan 2100 00:00:00 GMT"';
      return new Response(null, { headers });
    }
    if (req.method === "GET") {
      const o = objects.get(key);
      if (!o) return s3ErrorResponse(404, "NoSuchKey", "The specified key does not exist.");
      if (_frozen(o)) return s3ErrorResponse(403, "InvalidObjectState", "The operation is not valid for the object's storage class");
      return new Response(o.data, { headers: { etag: _etag(o.data), "content-length": String(o.data.length) } });
    }
    if (req.method === "DELETE") {
      objects.delete(key);
      return new Response(null, { status: 204 });
    }
    return s3ErrorResponse(501, "NotImplemented", `${req.method} ${key}`);
  }

  function listObjects(objects: Map<string, StoredObject>, q: URLSearchParams): Response {
    const prefix = q.get("prefix") ?? "";
    const max = Number(q.get("max-keys") ?? 1000);
    const after = q.get("continuation-token") ?? "";
    const keys = [...objects.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
    const page = keys.slice(0, max);
    const truncated = keys.length > page.length;
    const contents = page
      .map((k) => `<Contents><Key>${_esc(k)}</Key><Size>${objects.get(k)!.data.length}</Size><StorageClass>${objects.get(k)!.storageClass}</StorageClass></Contents>`)
      .join("");
    const next = truncated ? `<NextContinuationToken>${_esc(page.at(-1)!)}</NextContinuationToken>` : "";
    return _xml(
      `<ListBucketResult><Name>${bucket}</Name><Prefix>${_esc(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${max}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${next}${contents}</ListBucketResult>`,
    );
  }

  function restoreObject(objects: Map<string, StoredObject>, key: string, xml: string): Response {
    const o = objects.get(key);
    if (!o) return s3ErrorResponse(404, "NoSuchKey", "The specified key does not exist.");
    if (!_ARCHIVE_CLASSES.has(o.storageClass)) return s3ErrorResponse(403, "InvalidObjectState", "Restore is not allowed for the object's current storage class");
    if (o.thaw?.state === "ongoing") return s3ErrorResponse(409, "RestoreAlreadyInProgress", "Object restore is already in progress");
    const days = Number(/<Days>(\d+)<\/Days>/.exec(xml)?.[1] ?? 0);
    if (o.thaw?.state === "done") {
      o.thaw.days = days;
      return new Response(null, { status: 200 });
    }
    o.thaw = { state: "ongoing", days };
    return new Response(null, { status: 202 });
  }

  function listUploads(q: URLSearchParams): Response {
    const prefix = q.get("prefix") ?? "";
    const items = [...uploads.entries()]
      .filter(([, u]) => u.key.startsWith(prefix))
      .map(([id, u]) => `<Upload><Key>${_esc(u.key)}</Key><UploadId>${id}</UploadId></Upload>`)
      .join("");
    return _xml(`<ListMultipartUploadsResult><Bucket>${bucket}</Bucket><IsTruncated>false</IsTruncated>${items}</ListMultipartUploadsResult>`);
  }

  function deleteObjects(objects: Map<string, StoredObject>, xml: string, r: RecordedRequest): Response {
    const keys = [...xml.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => _unesc(m[1]!));
    r.deleteCount = keys.length;
    for (const k of keys) objects.delete(k);
    return _xml(`<DeleteResult>${keys.map((k) => `<Deleted><Key>${_esc(k)}</Key></Deleted>`).join("")}</DeleteResult>`);
  }

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      const [, b, ...rest] = url.pathname.split("/");
      const r: RecordedRequest = {
        method: req.method,
        bucket: b ?? "",
        key: rest.map(decodeURIComponent).join("/"),
        query: url.searchParams,
        headers: req.headers,
      };
      requests.push(r);
      if (!buckets.has(b ?? "")) return s3ErrorResponse(404, "NoSuchBucket", `no bucket ${b}`);
      const injected = state.fault?.(r);
      if (injected) {
        await req.arrayBuffer();
        return injected;
      }
      return handle(req, r);
    },
  });
  (state as { endpoint: string }).endpoint = `http://127.0.0.1:${server.port}`;
  return state;
}

function _unesc(s: string): string {
  return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");
}

/** The object `x-amz-copy-source` names, in any bucket of this server. */
function _copySource(buckets: Map<string, Map<string, StoredObject>>, copySource: string): StoredObject | undefined {
  const [b, ...rest] = decodeURIComponent(copySource).replace(/^\//, "").split("/");
  return buckets.get(b!)?.get(rest.join("/"));
}
