/**
 * One copy being written to S3: the mark first, objects streamed through
 * S3Sinks, the manifest last, then the mark removed. Rollback deletes
 * everything under the copy's prefix and aborts its multipart uploads;
 * finalize moves the new objects to the rotation storage class.
 */
import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import { hostname } from "node:os";
import { encodeManifest, type Manifest } from "../backup/manifest.ts";
import { BackendError } from "../errors.ts";
import { MANIFEST_NAME, MARK_NAME, type BackendContext, type CopyWriter, type Sink, type SinkOptions } from "./types.ts";
import { abortUpload, changeStorageClass, putObject, removeUnder, sweepUploads, type Bucket } from "./s3-ops.ts";
import { s3Error } from "./s3-errors.ts";
import type { S3BackendParam, S3Layout, S3Tuning } from "./s3-layout.ts";
import { planPartSize } from "./s3-plan.ts";
import { S3Sink } from "./s3-sink.ts";

export class S3CopyWriter implements CopyWriter {
  readonly location: string;
  private readonly sinks = new Map<string, S3Sink>();
  /** Multipart uploads started and not yet completed or aborted: key → upload ids. */
  private readonly uploads = new Map<string, Set<string>>();

  constructor(
    private readonly bucket: Bucket,
    private readonly layout: S3Layout,
    readonly prefix: string,
    private readonly param: S3BackendParam,
    private readonly tuning: S3Tuning,
    private readonly ctx: BackendContext,
  ) {
    this.location = layout.url(layout.copyKey(prefix));
  }

  /** Writes the incomplete-copy mark: the first object of every copy. */
  async mark(): Promise<void> {
    const text = `palhm is writing this copy: task ${this.ctx.taskId}, host ${hostname()}, pid ${process.pid}\n`;
    await this.put(MARK_NAME, new TextEncoder().encode(text));
  }

  async openSink(path: string, options: SinkOptions): Promise<Sink> {
    const key = this.layout.objectKey(this.prefix, path);
    if (this.sinks.has(path)) throw new BackendError(`${this.layout.url(key)}: object written twice in one copy`);
    const sink = new S3Sink(
      { client: this.bucket.client, bucket: this.bucket.name, key, storageClass: this.param.sinkStorageClass },
      planPartSize(options.allocSize, this.tuning.upload),
      {
        started: (k, id) => this.uploads.set(k, (this.uploads.get(k) ?? new Set()).add(id)),
        ended: (k, id) => this.uploads.get(k)?.delete(id),
      },
    );
    this.sinks.set(path, sink);
    return sink;
  }

  async commit(manifest: Manifest): Promise<void> {
    await this.put(MANIFEST_NAME, encodeManifest(manifest));
    const key = this.layout.objectKey(this.prefix, MARK_NAME);
    try {
      await this.bucket.client.send(new DeleteObjectCommand({ Bucket: this.bucket.name, Key: key }));
    } catch (e) {
      throw s3Error(e, "DeleteObject", this.bucket.name, key);
    }
  }

  async rollback(): Promise<void> {
    const errors: unknown[] = [];
    // Sinks the runner left open: stop their parts first, so no upload starts after the sweep.
    for (const sink of this.sinks.values()) await sink.abort().catch((e) => void errors.push(e));
    for (const [key, ids] of this.uploads) {
      for (const id of ids) {
        const done = await abortUpload(this.bucket, key, id).catch((e) => void errors.push(e));
        if (done === false) this.ctx.log.warn(`${this.layout.url(key)}: the store cannot abort multipart upload ${id}`);
      }
    }
    await removeUnder(
      this.bucket,
      this.layout.copyKey(this.prefix),
      this.tuning.deleteBatch,
      this.tuning.pageSize,
      this.ctx.log,
      this.layout.objectKey(this.prefix, MARK_NAME),
    ).catch((e) => errors.push(e));
    if (errors.length) throw errors[0];
  }

  async finalize(): Promise<void> {
    const from = this.param.sinkStorageClass ?? "STANDARD";
    const to = this.param.rotStorageClass;
    try {
      if (to && to !== from) {
        for (const [path, sink] of this.sinks) {
          if (!sink.closed) continue;
          await changeStorageClass(this.bucket, this.layout.objectKey(this.prefix, path), sink.size, to, {
            maxCopy: this.tuning.maxCopy,
            maxCopyPart: this.tuning.maxCopyPart,
            minPart: this.tuning.minCopyPart,
          });
        }
        this.ctx.log.debug(`${this.location}: ${this.sinks.size} object(s) moved to ${to}`);
      }
    } finally {
      await sweepUploads(this.bucket, this.layout.copyKey(this.prefix), this.ctx.log);
    }
  }

  private async put(name: string, body: Uint8Array): Promise<void> {
    await putObject(this.bucket, this.layout.objectKey(this.prefix, name), body, this.param.sinkStorageClass);
  }

}
