/**
 * The S3 Sink: one object streamed into a multipart upload, part by part,
 * with no temporary file. Parts grow as planned by s3-plan.ts; while parts
 * are uploading, `write` makes the producer wait once the memory budget of
 * the plan is used. An object smaller than one part is a single PutObject.
 *
 * A multipart upload is written here rather than with lib-storage's Upload
 * because Upload uses one fixed part size, so a stream longer than
 * 10,000 × that size fails; growing parts is what lets a stream of unknown
 * length reach S3's 5 TiB.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type UploadPartCommandInput,
  type UploadPartCommandOutput,
  type S3Client,
  type StorageClass,
} from "@aws-sdk/client-s3";
import type { BuildMiddleware, HttpRequest } from "@smithy/types"; // types only: @smithy/types comes with the SDK
import type { Sink } from "../store.ts";
import { partSizeAt, slotsFor, type PartPlan } from "./plan.ts";
import { isUnsupported, s3Error } from "./errors.ts";
import { PartSender, templateOf } from "./part-request.ts";
import { requestTimeouts } from "../../aws/clients.ts";

export interface UploadTarget {
  readonly client: S3Client;
  readonly bucket: string;
  readonly key: string;
  readonly storageClass?: string;
  /** What each part (or the single PutObject) carries for the store to check. @default "md5" */
  readonly checksum?: "crc32" | "md5";
  /** Send parts as single signed fetches where the upload is plain SigV4 (S3Tuning.directParts). @default true */
  readonly directParts?: boolean;
}

/** Called when a multipart upload starts and when it is completed or aborted, so a rollback can abort it. */
export interface UploadTracker {
  started(key: string, uploadId: string): void;
  ended(key: string, uploadId: string): void;
}

export class S3Sink implements Sink {
  /** Bytes written so far. */
  size = 0;
  /** Parts sent (for tests and the benchmark). */
  partCount = 0;
  private buf: Uint8Array;
  private fill = 0;
  private uploadId: Promise<string> | null = null;
  /** Sends parts as single signed fetches, made from the CreateMultipartUpload request; null when the SDK must (not plain SigV4). */
  private sender: PartSender | null = null;
  private readonly inflight = new Set<Promise<void>>();
  private readonly parts: { PartNumber: number; ETag: string; ChecksumCRC32?: string }[] = [];
  private readonly spare: Uint8Array[] = [];
  private failure: unknown = null;
  private state: "open" | "closing" | "closed" | "aborted" = "open";
  /** Cancels parts still uploading when the sink is aborted (a failed pipeline, SIGINT). */
  private readonly cancel = new AbortController();

  constructor(
    private readonly target: UploadTarget,
    private readonly plan: PartPlan,
    private readonly tracker?: UploadTracker,
  ) {
    this.buf = new Uint8Array(partSizeAt(plan, 0));
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.state !== "open") throw new Error(`write to a ${this.state} sink`);
    let off = 0;
    while (off < chunk.length) {
      if (this.failure) throw this.failure;
      const n = Math.min(chunk.length - off, this.buf.length - this.fill);
      this.buf.set(chunk.subarray(off, off + n), this.fill);
      this.fill += n;
      off += n;
      this.size += n;
      if (this.fill === this.buf.length) await this.flushPart();
    }
  }

  async close(): Promise<void> {
    if (this.state !== "open") throw new Error(`close of a ${this.state} sink`);
    this.state = "closing";
    await this.finish();
    this.state = "closed";
  }

  /** True once close() has stored the object. */
  get closed(): boolean {
    return this.state === "closed";
  }

  private async finish(): Promise<void> {
    const { client, bucket, key } = this.target;
    if (!this.uploadId) {
      const body = this.buf.subarray(0, this.fill);
      try {
        await client.send(
          new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: body.length, ...this.integrity(body), ...this.classParam() }),
        );
      } catch (e) {
        throw s3Error(e, "PutObject", bucket, key);
      }
      return;
    }
    if (this.fill > 0) this.dispatch(this.buf.subarray(0, this.fill));
    await this.settle();
    const id = await this.uploadId.catch(() => null);
    if (this.failure || !id) {
      await this.abortUpload();
      throw this.failure;
    }
    try {
      await client.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          UploadId: id,
          MultipartUpload: { Parts: this.parts.filter(Boolean) },
        }),
      );
    } catch (e) {
      this.failure = s3Error(e, "CompleteMultipartUpload", bucket, key);
      await this.abortUpload();
      throw this.failure;
    }
    this.tracker?.ended(key, id);
  }

  async abort(_reason?: unknown): Promise<void> {
    if (this.state === "closed" || this.state === "aborted") return;
    this.state = "aborted";
    this.failure ??= new Error("aborted");
    this.cancel.abort();
    await this.settle();
    await this.abortUpload();
  }

  private integrity(body: Uint8Array): _Integrity {
    return this.target.checksum === "crc32" ? { ChecksumCRC32: _crc32(body) } : { ContentMD5: _md5(body) };
  }

  private classParam(): { StorageClass?: StorageClass } {
    return this.target.storageClass ? { StorageClass: this.target.storageClass as StorageClass } : {};
  }

  private async flushPart(): Promise<void> {
    if (this.partCount >= this.plan.maxParts) {
      const { bucket, key } = this.target;
      throw (this.failure = s3Error(
        new Error(`the stream exceeds ${this.partCount} parts (${this.size - this.fill} bytes uploaded)`),
        "UploadPart",
        bucket,
        key,
      ));
    }
    this.dispatch(this.buf);
    const next = partSizeAt(this.plan, this.partCount);
    const slots = slotsFor(this.plan, next);
    while (this.inflight.size >= slots && !this.failure) await Promise.race(this.inflight);
    this.buf = this.takeBuffer(next);
    this.fill = 0;
  }

  private takeBuffer(size: number): Uint8Array {
    const i = this.spare.findIndex((b) => b.length === size);
    if (i >= 0) return this.spare.splice(i, 1)[0]!;
    this.spare.length = 0; // parts grew: older buffers will not be reused
    return new Uint8Array(size);
  }

  private dispatch(body: Uint8Array): void {
    const { bucket, key } = this.target;
    const partNumber = ++this.partCount;
    this.uploadId ??= this.createUpload();
    const created = this.uploadId;
    const integrity = this.integrity(body);
    const p = (async () => {
      const id = await created;
      try {
        const timeout = _partTimeout(body.length);
        const etag = this.sender
          ? await this.sender.send({ uploadId: id, partNumber, body, headers: _integrityHeaders(integrity), signal: this.cancel.signal, timeout })
          : await this.sdkPart(id, partNumber, body, integrity, timeout);
        this.parts[partNumber - 1] = { PartNumber: partNumber, ETag: etag, ...("ChecksumCRC32" in integrity ? { ChecksumCRC32: integrity.ChecksumCRC32 } : {}) };
      } catch (e) {
        throw s3Error(e, `UploadPart ${partNumber}`, bucket, key);
      }
    })()
      .catch((e) => {
        this.failure ??= e;
      })
      .finally(() => {
        this.inflight.delete(p);
        if (body.byteOffset === 0 && body.length === body.buffer.byteLength) this.spare.push(body);
      });
    this.inflight.add(p);
  }

  /** UploadPart through the SDK, for uploads PartSender cannot sign (not plain SigV4); resolves with the ETag. */
  private async sdkPart(id: string, partNumber: number, body: Uint8Array, integrity: _Integrity, timeout: number): Promise<string> {
    const { client, bucket, key } = this.target;
    const command = new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: id, PartNumber: partNumber, Body: body, ContentLength: body.length, ...integrity });
    command.middlewareStack.add(_unsignedPayload, { step: "build", name: "palhmUnsignedPayload" });
    const r = await client.send(command, { abortSignal: this.cancel.signal, requestTimeout: timeout });
    return r.ETag ?? "";
  }

  private async createUpload(): Promise<string> {
    const { client, bucket, key } = this.target;
    try {
      const command = new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ...(this.target.checksum === "crc32" ? { ChecksumAlgorithm: "CRC32" as const } : {}), ...this.classParam() });
      let signed: HttpRequest | undefined;
      // The request as signed and sent (deserialize is the step after signing): the parts are made from it.
      command.middlewareStack.add((next) => (args) => ((signed = args.request as HttpRequest), next(args)), { step: "deserialize", priority: "low", name: "palhmPartTemplate" });
      const r = await client.send(command);
      if (!r.UploadId) throw new Error("no UploadId in the answer");
      this.tracker?.started(key, r.UploadId);
      const template = this.target.directParts !== false && signed && templateOf(signed);
      if (template) this.sender = new PartSender(client, template);
      return r.UploadId;
    } catch (e) {
      throw s3Error(e, "CreateMultipartUpload", bucket, key);
    }
  }

  private async settle(): Promise<void> {
    while (this.inflight.size) await Promise.all([...this.inflight]);
  }

  private async abortUpload(): Promise<void> {
    const id = await this.uploadId?.catch(() => null);
    if (!id) return;
    const { client, bucket, key } = this.target;
    try {
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id }));
      this.tracker?.ended(key, id);
    } catch (e) {
      // Left tracked: the copy's rollback tries again and sweeps the prefix.
      if (!isUnsupported(e)) throw s3Error(e, "AbortMultipartUpload", bucket, key);
    }
  }
}

type _Integrity = { ChecksumCRC32: string } | { ContentMD5: string };

/** The same, as the headers of a part request. */
function _integrityHeaders(integrity: _Integrity): Record<string, string> {
  return "ChecksumCRC32" in integrity ? { "x-amz-checksum-crc32": integrity.ChecksumCRC32 } : { "content-md5": integrity.ContentMD5 };
}

/**
 * How long one part may take: the idle timeout (`$PALHM_AWS_TIMEOUT`, 60 s)
 * plus its bytes at 256 KiB/s. A fetch reports no upload progress, so this
 * bounds the whole request instead of its silences; a part that times out is
 * retried like any request.
 */
function _partTimeout(bytes: number): number {
  return requestTimeouts().socketTimeout + Math.ceil(bytes / (256 * 1024)) * 1000;
}

/**
 * The part's integrity for the server to check, in a signed header, instead
 * of SigV4's SHA-256 of the payload (UNSIGNED-PAYLOAD, see _unsignedPayload):
 * SHA-256 on the event loop was more than half of an upload's CPU time, and
 * the manifest hashes every byte with SHA-256 anyway. On AWS, its CRC32
 * (x-amz-checksum-crc32; the upload is created with ChecksumAlgorithm CRC32
 * and completed with every part's): tens of GB/s. Behind a custom endpoint,
 * its MD5 (Content-MD5, 250-530 MiB/s), which every S3-compatible store
 * checks, where some refuse the newer checksum headers.
 */
function _crc32(body: Uint8Array): string {
  const be = new Uint8Array(4);
  new DataView(be.buffer).setUint32(0, Bun.hash.crc32(body) >>> 0);
  return Buffer.from(be).toString("base64");
}

function _md5(body: Uint8Array): string {
  return new Bun.CryptoHasher("md5").update(body).digest("base64");
}

const _unsignedPayload: BuildMiddleware<UploadPartCommandInput, UploadPartCommandOutput> = (next) => (args) => {
  const request = args.request as { headers?: Record<string, string> };
  if (request.headers) request.headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD";
  return next(args);
};
