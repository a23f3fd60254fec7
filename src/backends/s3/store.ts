/**
 * The aws-s3 store: keys as objects under `s3://BUCKET/ROOT/`, in AWS S3 or
 * an S3-compatible store. Objects stream into multipart uploads (sink.ts);
 * marks and manifests are single PutObjects. Loaded lazily by the backend's
 * descriptor, so the AWS SDK is only imported when a task uses this backend.
 */
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { hasCustomS3Endpoint, makeClientConfig } from "../../aws/clients.ts";
import type { Logger } from "../../log.ts";
import type { ArchivedKey, PutOptions, Sink, SinkOptions, Store, StoreEntry, ThawState } from "../store.ts";
import { KeyArchivedError, KeyExistsError, KeyNotFoundError } from "../store.ts";
import { isArchiveClass } from "../../aws/storage-classes.ts";
import { archiveState, archivedUnder, isArchivedRead, thawObject } from "./archive.ts";
import { isNotFound, s3Error, statusOf } from "./errors.ts";
import { S3Layout, type S3Tuning } from "./layout.ts";
import { abortUpload, anyObject, changeStorageClass, copyObject, deleteKeys, listFolders, listObjects, putObject, sweepUploads, type Bucket } from "./ops.ts";
import type { ResolvedS3Param } from "./params.ts";
import { planPartSize } from "./plan.ts";
import { S3Sink } from "./sink.ts";

export type { S3Tuning };

export async function openS3Store(param: ResolvedS3Param, log: Logger, tuning: S3Tuning = {}): Promise<S3Store> {
  const client = await _makeClient(param);
  return new S3Store(param, { client, name: param.bucket }, tuning, log);
}

async function _makeClient(param: ResolvedS3Param): Promise<S3Client> {
  const options = {
    ...makeClientConfig(param.profile, param.region, param.endpoint),
    forcePathStyle: hasCustomS3Endpoint(param.endpoint) || undefined,
    followRegionRedirects: true,
    // S3-compatible stores often reject the SDK's newer default checksum headers; the manifest's SHA-256 covers integrity.
    requestChecksumCalculation: "WHEN_REQUIRED" as const,
    responseChecksumValidation: "WHEN_REQUIRED" as const,
  };
  const client = new S3Client(options);
  try {
    await client.config.region();
    return client;
  } catch {
    // No region anywhere in the chain: S3 redirects to the bucket's region, and stores behind an endpoint ignore it.
    client.destroy();
    return new S3Client({ ...options, region: "us-east-1" });
  }
}

export class S3Store implements Store {
  readonly capabilities = {};
  private readonly layout: S3Layout;
  /** Multipart uploads started and not yet completed or aborted: bucket key → upload ids. */
  private readonly uploads = new Map<string, Set<string>>();
  /** The sinks this store opened, by store key (finalize moves what they stored). */
  private readonly sinks = new Map<string, S3Sink>();

  constructor(
    private readonly param: ResolvedS3Param,
    private readonly bucket: Bucket,
    private readonly tuning: S3Tuning,
    private readonly log: Logger,
  ) {
    this.layout = new S3Layout(param.bucket, param.root);
  }

  location(key: string): string {
    return key === "" ? this.layout.url(this.param.root) : this.layout.url(this.layout.key(key));
  }

  listDirs(dir: string): Promise<string[]> {
    return listFolders(this.bucket, this.layout.key(dir), this.tuning.pageSize);
  }

  async *list(dir: string): AsyncIterable<StoreEntry> {
    const rootKey = this.layout.rootKey;
    for await (const o of listObjects(this.bucket, this.layout.key(dir), this.tuning.pageSize)) {
      yield { key: o.key.slice(rootKey.length), size: o.size };
    }
  }

  async openSink(key: string, options: SinkOptions = {}): Promise<Sink> {
    const full = this.layout.key(key);
    const sink = new S3Sink(
      {
        client: this.bucket.client,
        bucket: this.bucket.name,
        key: full,
        storageClass: this.param.sinkStorageClass,
        checksum: this.tuning.partChecksum ?? (hasCustomS3Endpoint(this.param.endpoint) ? "md5" : "crc32"),
        directParts: this.tuning.directParts,
      },
      planPartSize(options.sizeHint, this.tuning.upload),
      {
        started: (k, id) => this.uploads.set(k, (this.uploads.get(k) ?? new Set()).add(id)),
        ended: (k, id) => this.uploads.get(k)?.delete(id),
      },
    );
    this.sinks.set(key, sink);
    return sink;
  }

  async put(key: string, data: Uint8Array, options: PutOptions = {}): Promise<void> {
    const full = this.layout.key(key);
    if (options.ifAbsent) {
      const folder = full.slice(0, full.lastIndexOf("/") + 1);
      if (await anyObject(this.bucket, folder)) throw new KeyExistsError(key);
    }
    const cls = this.param.sinkStorageClass;
    // Marks and manifests are read at once by every later run: never in a class that must be thawed first.
    await putObject(this.bucket, full, data, cls && !isArchiveClass(cls) ? cls : undefined);
  }

  async read(key: string): Promise<ReadableStream<Uint8Array>> {
    const full = this.layout.key(key);
    try {
      const r = await this.bucket.client.send(new GetObjectCommand({ Bucket: this.bucket.name, Key: full }));
      return r.Body!.transformToWebStream() as ReadableStream<Uint8Array>;
    } catch (e) {
      if (isNotFound(e)) throw new KeyNotFoundError(key, this.layout.url(full));
      if (isArchivedRead(e)) {
        const { storageClass, thawing } = await archiveState(this.bucket, full);
        throw new KeyArchivedError({ key, storageClass, thawing }, this.layout.url(full));
      }
      throw s3Error(e, "GetObject", this.bucket.name, full);
    }
  }

  async archived(dir: string): Promise<ArchivedKey[]> {
    const rootKey = this.layout.rootKey;
    const found = await archivedUnder(this.bucket, this.layout.key(dir), this.tuning.pageSize);
    return found.map((a) => ({ ...a, key: a.key.slice(rootKey.length) }));
  }

  thaw(key: string, days: number): Promise<ThawState> {
    return thawObject(this.bucket, this.layout.key(key), days);
  }

  remove(keys: readonly string[]): Promise<void> {
    return deleteKeys(this.bucket, keys.map((k) => this.layout.key(k)), this.tuning.deleteBatch);
  }

  /** Aborts the multipart uploads under `dir`: those this store's sinks could not abort, then any the store lists (a dead run's). */
  async prune(dir: string): Promise<void> {
    const prefix = this.layout.key(dir);
    for (const [key, ids] of this.uploads) {
      if (!key.startsWith(prefix)) continue;
      for (const id of [...ids]) {
        const done = await abortUpload(this.bucket, key, id);
        if (done) ids.delete(id);
        else this.log.warn(`${this.layout.url(key)}: the store cannot abort multipart upload ${id}`);
      }
    }
    await sweepUploads(this.bucket, prefix, this.log);
  }

  /** Moves the objects to the rotation storage class, then sweeps uploads left under their copies. */
  async finalize(keys: readonly string[]): Promise<void> {
    const from = this.param.sinkStorageClass ?? "STANDARD";
    const to = this.param.rotStorageClass;
    try {
      if (to && to !== from) {
        for (const key of keys) {
          const sink = this.sinks.get(key);
          if (!sink?.closed) continue;
          await changeStorageClass(this.bucket, this.layout.key(key), sink.size, to, {
            maxCopy: this.tuning.maxCopy,
            maxCopyPart: this.tuning.maxCopyPart,
            minPart: this.tuning.minCopyPart,
          });
        }
        this.log.debug(`${this.location("")}: ${keys.length} object(s) moved to ${to}`);
      }
    } finally {
      for (const dir of new Set(keys.map((k) => k.slice(0, k.indexOf("/") + 1)))) await sweepUploads(this.bucket, this.layout.key(dir), this.log);
    }
  }

  /**
   * Server-side copy from another S3 store under the same endpoint (another
   * bucket or root, another region of AWS): CopyObject, or UploadPartCopy
   * above the single-copy limit, straight into the class the object is kept
   * in. False when `source` is not such a store, or these credentials may not
   * read it: the caller streams the bytes instead.
   */
  async copyFrom(source: Store, sourceKey: string, key: string, size: bigint): Promise<boolean> {
    if (!(source instanceof S3Store) || source.param.endpoint !== this.param.endpoint) return false;
    const from = { bucket: source.bucket.name, key: source.layout.key(sourceKey) };
    const cls = this.param.rotStorageClass ?? this.param.sinkStorageClass;
    try {
      await copyObject(this.bucket, from, this.layout.key(key), Number(size), cls, {
        maxCopy: this.tuning.maxCopy,
        maxCopyPart: this.tuning.maxCopyPart,
        minPart: this.tuning.minCopyPart,
      });
    } catch (e) {
      if (statusOf((e as Error).cause) !== 403) throw e;
      this.log.info(`${this.location(key)}: these credentials may not copy from s3://${from.bucket}/${from.key} server-side (${(e as Error).message}); streaming it instead`);
      return false;
    }
    return true;
  }

  async close(): Promise<void> {
    this.bucket.client.destroy();
  }
}
