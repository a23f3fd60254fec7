/**
 * Bucket-wide S3 operations the backend is built from: paginated listing,
 * batched deletion, sweeping unfinished multipart uploads, and moving an
 * object to another storage class (multipart copy above 5 GiB).
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCopyCommand,
  type S3Client,
  type StorageClass,
} from "@aws-sdk/client-s3";
import { codeOf, isUnsupported, s3Error } from "./errors.ts";
import { planCopyParts, S3_LIMITS } from "./plan.ts";
import type { Logger } from "../../log.ts";

export interface Bucket {
  readonly client: S3Client;
  readonly name: string;
}

export interface ListedObject {
  readonly key: string;
  readonly size: bigint;
  /** As listed; absent when the store does not say (STANDARD). */
  readonly storageClass?: string;
}

/** Every object whose key starts with `prefix`, page by page (`pageSize` keys per ListObjectsV2 request). */
export async function* listObjects(b: Bucket, prefix: string, pageSize?: number): AsyncGenerator<ListedObject> {
  let token: string | undefined;
  do {
    let page;
    try {
      page = await b.client.send(
        new ListObjectsV2Command({ Bucket: b.name, Prefix: prefix, ContinuationToken: token, MaxKeys: pageSize }),
      );
    } catch (e) {
      throw s3Error(e, "ListObjectsV2", b.name, prefix);
    }
    for (const o of page.Contents ?? []) {
      if (o.Key !== undefined) yield { key: o.Key, size: BigInt(o.Size ?? 0), ...(o.StorageClass ? { storageClass: o.StorageClass } : {}) };
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

/** True if at least one object's key starts with `prefix`. */
export async function anyObject(b: Bucket, prefix: string): Promise<boolean> {
  try {
    // No MaxKeys: a truncated answer makes s3rver build a continuation token with DES, which Bun lacks (HTTP 500).
    const r = await b.client.send(new ListObjectsV2Command({ Bucket: b.name, Prefix: prefix }));
    return (r.Contents?.length ?? 0) > 0;
  } catch (e) {
    throw s3Error(e, "ListObjectsV2", b.name, prefix);
  }
}

/** Deletes keys with DeleteObjects, `batch` (at most 1,000) keys per request; any per-key error fails the call. */
export async function deleteKeys(b: Bucket, keys: readonly string[], batch = 1000): Promise<void> {
  const size = Math.max(1, Math.min(1000, batch));
  for (let i = 0; i < keys.length; i += size) {
    const chunk = keys.slice(i, i + size);
    let r;
    try {
      r = await b.client.send(
        new DeleteObjectsCommand({
          Bucket: b.name,
          Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true },
        }),
      );
    } catch (e) {
      throw s3Error(e, "DeleteObjects", b.name, chunk[0]);
    }
    const failed = r.Errors ?? [];
    if (failed.length) {
      const first = failed[0]!;
      const more = failed.length > 1 ? ` (and ${failed.length - 1} more)` : "";
      throw s3Error(
        Object.assign(new Error(first.Message ?? "not deleted"), { name: first.Code ?? "DeleteError" }),
        "DeleteObjects",
        b.name,
        `${first.Key}${more}`,
      );
    }
  }
}

/**
 * Aborts every unfinished multipart upload under `prefix`. Returns how many
 * were aborted, or null when the store has no ListMultipartUploads (s3rver).
 */
export async function abortUploads(b: Bucket, prefix: string): Promise<number | null> {
  let count = 0;
  let keyMarker: string | undefined;
  let idMarker: string | undefined;
  for (;;) {
    let page;
    try {
      page = await b.client.send(
        new ListMultipartUploadsCommand({ Bucket: b.name, Prefix: prefix, KeyMarker: keyMarker, UploadIdMarker: idMarker }),
      );
    } catch (e) {
      if (isUnsupported(e)) return null;
      throw s3Error(e, "ListMultipartUploads", b.name, prefix);
    }
    for (const u of page.Uploads ?? []) {
      if (!u.Key || !u.UploadId) continue;
      await abortUpload(b, u.Key, u.UploadId);
      count++;
    }
    if (!page.IsTruncated) return count;
    keyMarker = page.NextKeyMarker;
    idMarker = page.NextUploadIdMarker;
  }
}

/** Aborts one multipart upload. False when the store has no AbortMultipartUpload (s3rver). */
export async function abortUpload(b: Bucket, key: string, uploadId: string): Promise<boolean> {
  try {
    await b.client.send(new AbortMultipartUploadCommand({ Bucket: b.name, Key: key, UploadId: uploadId }));
    return true;
  } catch (e) {
    if (codeOf(e) === "NoSuchUpload") return true;
    if (isUnsupported(e)) return false;
    throw s3Error(e, "AbortMultipartUpload", b.name, key);
  }
}

/** CopySource header value: bucket and key, URL-encoded except for the slashes. */
function _copySource(bucket: string, key: string): string {
  return `${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`;
}

/** Limits of a server-side copy (S3's unless a test or a compatible store lowers them). */
export interface CopyLimits {
  readonly maxCopy?: number;
  readonly maxCopyPart?: number;
  readonly minPart?: number;
}

/**
 * Moves an object to another storage class in place: one CopyObject up to
 * `maxCopy` bytes (S3: 5 GiB), else a multipart copy of ranges.
 */
export function changeStorageClass(b: Bucket, key: string, size: number, storageClass: string, opts: CopyLimits = {}): Promise<void> {
  return copyObject(b, { bucket: b.name, key }, key, size, storageClass, opts, `to ${storageClass}`);
}

/**
 * Copies `from` (any bucket the client can read) to `key` in `b`, server-side:
 * one CopyObject up to `maxCopy` bytes (S3: 5 GiB), else a multipart upload of
 * UploadPartCopy ranges. No byte passes through palhm.
 */
export async function copyObject(
  b: Bucket,
  from: { readonly bucket: string; readonly key: string },
  key: string,
  size: number,
  storageClass: string | undefined,
  opts: CopyLimits = {},
  what = `from s3://${from.bucket}/${from.key}`,
): Promise<void> {
  const cls = storageClass as StorageClass | undefined;
  const source = _copySource(from.bucket, from.key);
  if (size <= (opts.maxCopy ?? S3_LIMITS.maxCopy)) {
    try {
      await b.client.send(
        new CopyObjectCommand({ Bucket: b.name, Key: key, CopySource: source, MetadataDirective: "COPY", StorageClass: cls }),
      );
    } catch (e) {
      throw s3Error(e, `CopyObject ${what}`, b.name, key);
    }
    return;
  }
  const ranges = planCopyParts(size, { maxCopyPart: opts.maxCopyPart, minPart: opts.minPart });
  let uploadId: string | undefined;
  try {
    const created = await b.client.send(new CreateMultipartUploadCommand({ Bucket: b.name, Key: key, StorageClass: cls }));
    uploadId = created.UploadId!;
    const parts = [];
    for (const [i, r] of ranges.entries()) {
      const out = await b.client.send(
        new UploadPartCopyCommand({
          Bucket: b.name,
          Key: key,
          UploadId: uploadId,
          PartNumber: i + 1,
          CopySource: source,
          CopySourceRange: `bytes=${r.first}-${r.last}`,
        }),
      );
      parts.push({ PartNumber: i + 1, ETag: out.CopyPartResult?.ETag ?? "" });
    }
    await b.client.send(
      new CompleteMultipartUploadCommand({ Bucket: b.name, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }),
    );
  } catch (e) {
    if (uploadId) await abortUpload(b, key, uploadId).catch(() => {});
    throw s3Error(e, `multipart copy ${what}`, b.name, key);
  }
}

/** Aborts the unfinished multipart uploads under a prefix, saying so. */
export async function sweepUploads(b: Bucket, prefix: string, log: Logger): Promise<void> {
  const aborted = await abortUploads(b, prefix);
  if (aborted === null) log.debug(`s3://${b.name}/${prefix}: the store cannot list multipart uploads; none swept`);
  else if (aborted) log.info(`s3://${b.name}/${prefix}: aborted ${aborted} unfinished multipart upload(s)`);
}

/** Stores a small object in one request (marks, manifests). */
export async function putObject(b: Bucket, key: string, body: Uint8Array, storageClass?: string): Promise<void> {
  try {
    await b.client.send(
      new PutObjectCommand({ Bucket: b.name, Key: key, Body: body, ContentLength: body.length, StorageClass: storageClass as StorageClass | undefined }),
    );
  } catch (e) {
    throw s3Error(e, "PutObject", b.name, key);
  }
}

/** Names of the "folders" directly under `prefix` (ListObjectsV2 with a "/" delimiter), without the trailing "/". */
export async function listFolders(b: Bucket, prefix: string, pageSize?: number): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    let page;
    try {
      page = await b.client.send(
        new ListObjectsV2Command({ Bucket: b.name, Prefix: prefix, Delimiter: "/", ContinuationToken: token, MaxKeys: pageSize }),
      );
    } catch (e) {
      throw s3Error(e, "ListObjectsV2", b.name, prefix);
    }
    for (const p of page.CommonPrefixes ?? []) {
      if (p.Prefix !== undefined) out.push(p.Prefix.slice(prefix.length).replace(/\/$/, ""));
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}
