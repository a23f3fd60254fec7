/**
 * The `aws-s3` backend: copies under `s3://BUCKET/ROOT/PREFIX/PATH` in AWS S3
 * or an S3-compatible store. Loaded lazily by the backend registry, so the
 * AWS SDK is only imported when a task uses this backend.
 */
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { Manifest } from "../backup/manifest.ts";
import { decodeManifest } from "../backup/manifest.ts";
import { isPrefix } from "../backup/prefix.ts";
import { BackendError } from "../errors.ts";
import { hasCustomS3Endpoint, makeClientConfig } from "../aws/clients.ts";
import {
  MANIFEST_NAME,
  MARK_NAME,
  PrefixTakenError,
  type Backend,
  type BackendContext,
  type BackendFactory,
  type CopyInfo,
  type CopyReader,
  type CopyState,
  type CopyWriter,
} from "./types.ts";
import { anyObject, deleteKeys, listObjects, putObject, removeUnder, type Bucket } from "./s3-ops.ts";
import { isNotFound, s3Error } from "./s3-errors.ts";
import { S3Layout, type S3BackendParam, type S3Tuning } from "./s3-layout.ts";
import { S3CopyWriter } from "./s3-copy.ts";

export type { S3BackendParam, S3Tuning };

export const createBackend: BackendFactory<S3BackendParam> = (param, ctx) => openS3Backend(param, ctx);

export async function openS3Backend(param: S3BackendParam, ctx: BackendContext, tuning: S3Tuning = {}): Promise<Backend> {
  const client = await _makeClient(param);
  return new S3Backend(param, { client, name: param.bucket }, tuning, ctx);
}

async function _makeClient(param: S3BackendParam): Promise<S3Client> {
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

class S3Backend implements Backend {
  readonly type = "aws-s3";
  private readonly layout: S3Layout;

  constructor(
    private readonly param: S3BackendParam,
    private readonly bucket: Bucket,
    private readonly tuning: S3Tuning,
    private readonly ctx: BackendContext,
  ) {
    this.layout = new S3Layout(param.bucket, param.root);
  }

  describe(): string {
    return this.layout.url(this.param.root);
  }

  lockKey(): string {
    return `s3:${this.param.endpoint ?? ""}:${this.layout.url(this.layout.rootKey)}`;
  }

  async listCopies(): Promise<CopyInfo[]> {
    const copies = new Map<string, { size: bigint; mark: boolean; manifest: boolean }>();
    const rootKey = this.layout.rootKey;
    for await (const o of listObjects(this.bucket, rootKey, this.tuning.pageSize)) {
      const rest = o.key.slice(rootKey.length);
      const slash = rest.indexOf("/");
      if (slash < 0) continue;
      const name = rest.slice(0, slash);
      if (!isPrefix(name)) continue;
      const c = copies.get(name) ?? { size: 0n, mark: false, manifest: false };
      c.size += o.size;
      const inner = rest.slice(slash + 1);
      if (inner === MARK_NAME) c.mark = true;
      if (inner === MANIFEST_NAME) c.manifest = true;
      copies.set(name, c);
    }
    return [...copies.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([prefix, c]) => ({ prefix, size: c.size, state: _state(c.manifest, c.mark) }));
  }

  async createCopy(prefix: string, ctx: BackendContext): Promise<CopyWriter> {
    const key = this.layout.copyKey(prefix);
    if (await anyObject(this.bucket, key)) throw new PrefixTakenError(prefix);
    const writer = new S3CopyWriter(this.bucket, this.layout, prefix, this.param, this.tuning, ctx);
    await writer.mark();
    return writer;
  }

  async openCopy(prefix: string): Promise<CopyReader> {
    const objects: { path: string; size: bigint }[] = [];
    let mark = false;
    let manifest = false;
    const key = this.layout.copyKey(prefix);
    for await (const o of listObjects(this.bucket, key, this.tuning.pageSize)) {
      const path = o.key.slice(key.length);
      if (path === MARK_NAME) mark = true;
      else if (path === MANIFEST_NAME) manifest = true;
      else objects.push({ path, size: o.size });
    }
    if (!objects.length && !mark && !manifest) throw new BackendError(`${this.layout.url(key)}: no such copy`);
    objects.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return new _S3CopyReader(this.bucket, this.layout, prefix, _state(manifest, mark), objects);
  }

  /** Marks the copy incomplete and drops its manifest first: a removal cut short leaves a copy the next run removes, never a "complete" one with objects missing. */
  async removeCopy(prefix: string): Promise<void> {
    const manifestKey = this.layout.objectKey(prefix, MANIFEST_NAME);
    const markKey = this.layout.objectKey(prefix, MARK_NAME);
    if (await anyObject(this.bucket, manifestKey)) {
      const body = new TextEncoder().encode(`palhm is removing this copy (rotation), pid ${process.pid}\n`);
      await putObject(this.bucket, markKey, body);
      await deleteKeys(this.bucket, [manifestKey]);
    }
    await removeUnder(this.bucket, this.layout.copyKey(prefix), this.tuning.deleteBatch, this.tuning.pageSize, this.ctx.log, markKey);
  }

  async close(): Promise<void> {
    this.bucket.client.destroy();
  }
}

function _state(manifest: boolean, mark: boolean): CopyState {
  return manifest ? "complete" : mark ? "incomplete" : "legacy";
}

class _S3CopyReader implements CopyReader {
  readonly location: string;
  constructor(
    private readonly bucket: Bucket,
    private readonly layout: S3Layout,
    readonly prefix: string,
    readonly state: CopyState,
    private readonly listed: { path: string; size: bigint }[],
  ) {
    this.location = layout.url(layout.copyKey(prefix));
  }

  async manifest(): Promise<Manifest | null> {
    if (this.state !== "complete") return null;
    const key = this.layout.objectKey(this.prefix, MANIFEST_NAME);
    try {
      const r = await this.bucket.client.send(new GetObjectCommand({ Bucket: this.bucket.name, Key: key }));
      return decodeManifest(await r.Body!.transformToString());
    } catch (e) {
      if (e instanceof SyntaxError || (e instanceof Error && /manifest/.test(e.message) && !("$metadata" in e))) {
        throw new BackendError(`${this.layout.url(key)}: ${e.message}`);
      }
      throw s3Error(e, "GetObject", this.bucket.name, key);
    }
  }

  async objects(): Promise<{ path: string; size: bigint }[]> {
    return this.listed.map((o) => ({ ...o }));
  }

  async read(path: string): Promise<ReadableStream<Uint8Array>> {
    const key = this.layout.objectKey(this.prefix, path);
    try {
      const r = await this.bucket.client.send(new GetObjectCommand({ Bucket: this.bucket.name, Key: key }));
      return r.Body!.transformToWebStream() as ReadableStream<Uint8Array>;
    } catch (e) {
      if (isNotFound(e)) throw new BackendError(`${this.layout.url(key)}: no such object in copy ${this.prefix}`);
      throw s3Error(e, "GetObject", this.bucket.name, key);
    }
  }
}

