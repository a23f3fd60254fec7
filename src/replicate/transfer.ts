/**
 * Bringing one copy from a source store to a destination store: every object
 * streamed (no temporary file, memory bounded by the stream's chunks) and
 * checked against the source manifest as it flows, or copied server-side
 * when the destination store can reach the source (S3 to S3) and then checked
 * by size; the manifest last. A mismatch rolls the replica back, naming the
 * object. A legacy source copy (no manifest) is copied, and its replica's
 * manifest says that it was never verified.
 */
import { hostname } from "node:os";
import type { Copies } from "../copies/copies.ts";
import { objectKey } from "../copies/names.ts";
import type { ScannedCopy } from "../copies/scan.ts";
import type { Sink } from "../backends/store.ts";
import type { Manifest, ManifestObject } from "../backup/manifest.ts";
import { digestStream, mismatch, type Digest } from "../restore/hash-stream.ts";
import { BackendError, ExecError, VerifyError } from "../errors.ts";
import { storeCall } from "../copies/call.ts";
import { VERSION } from "../version.ts";
import { closeSync, fstatSync } from "node:fs";
import type { ResolvedExec } from "../config/resolved.ts";
import { EC_DEFAULT } from "../exec/ec.ts";
import { runPipeline } from "../exec/pipeline.ts";
import { canFollowFiles, hashFile } from "../backup/hash-follow.ts";

export interface Transferred {
  readonly prefix: string;
  readonly location: string;
  readonly objects: number;
  readonly bytes: number;
  /** Objects the destination copied server-side (no byte through palhm). */
  readonly serverSide: number;
  /** Set for a replica of a legacy copy. */
  readonly unverified?: string;
}

export interface TransferOptions {
  readonly taskId: string;
  readonly signal: AbortSignal;
  /** Bytes as they are stored (progress). */
  readonly onBytes?: (path: string, n: number) => void;
}

export async function transferCopy(copy: ScannedCopy, source: Copies, destination: Copies, opts: TransferOptions): Promise<Transferred> {
  const listed = new Map(copy.objects.map((o) => [o.path, o.size]));
  const manifest = copy.state === "complete" ? copy.manifest! : null;
  const entries: { path: string; size: number; sha256?: string }[] = manifest
    ? manifest.objects.map((o) => ({ ...o }))
    : copy.objects.map((o) => ({ path: o.path, size: Number(o.size) }));
  const from = source.store.location(`${copy.prefix}/`);
  for (const e of entries) {
    if (!listed.has(e.path)) throw new VerifyError(`object ${e.path} of copy ${copy.prefix} is missing from ${from}: the copy is not replicated`);
  }

  const reader = await source.openCopy(copy.prefix);
  const writer = await destination.createCopy(copy.prefix);
  const stored: ManifestObject[] = [];
  let serverSide = 0;
  try {
    for (const e of entries) {
      opts.signal.throwIfAborted();
      const key = objectKey(copy.prefix, e.path);
      const copyFrom = destination.store.copyFrom;
      if (manifest && copyFrom && (await copyFrom.call(destination.store, source.store, key, key, BigInt(e.size)))) {
        serverSide++;
        opts.onBytes?.(e.path, e.size);
        stored.push({ path: e.path, size: e.size, sha256: e.sha256! });
        continue;
      }
      const sink = await writer.openSink(e.path, { sizeHint: BigInt(e.size) });
      const local = sink.fd !== undefined && canFollowFiles() ? await reader.openFile(e.path) : null;
      const digest = local !== null
        ? await _inKernel(local, sink, e.path, copy.prefix, opts)
        : await _stream(await reader.read(e.path), sink, opts.signal, (n) => opts.onBytes?.(e.path, n));
      if (e.sha256 !== undefined) {
        const why = mismatch(e as ManifestObject, digest);
        if (why) throw new VerifyError(`object ${e.path} of copy ${copy.prefix} at ${from} does not match its manifest (${why}): its replica is rolled back`);
      }
      stored.push({ path: e.path, size: digest.size, sha256: digest.sha256 });
    }
    if (serverSide) await _checkSizes(destination, copy.prefix, stored);
    const unverified = manifest ? undefined : "a replica of a legacy copy (no manifest at the source): sizes and digests are as read, never checked";
    const now = new Date().toISOString();
    const replica: Manifest = manifest
      ? { ...manifest, task: opts.taskId, replicaOf: { task: manifest.task, location: from } }
      : { format: 1, task: opts.taskId, host: hostname(), prefix: copy.prefix, start: now, end: now, version: VERSION, objects: stored, replicaOf: { task: source.taskId, location: from }, unverified };
    await writer.commit(replica);
    await writer.finalize().catch(() => {});
    const bytes = stored.reduce((s, o) => s + o.size, 0);
    return { prefix: copy.prefix, location: writer.location, objects: stored.length, bytes, serverSide, ...(unverified ? { unverified } : {}) };
  } catch (e) {
    await writer.rollback().catch(() => {});
    throw e;
  }
}

/**
 * A local source file into a local destination file without palhm touching
 * the bytes: `cat` moves them between the two descriptors while a thread
 * hashes the source file (its own open file, its own offset), both at once;
 * then the replica's size must be what was hashed.
 */
async function _inKernel(source: number, sink: Sink, path: string, prefix: string, opts: TransferOptions): Promise<{ size: number; sha256: string }> {
  const stop = new AbortController();
  const signal = AbortSignal.any([opts.signal, stop.signal]);
  try {
    const hashing = hashFile(source, signal);
    hashing.catch(() => {});
    await runPipeline([_CAT], { signal, verbosity: 0, label: `replicating object ${path} of copy ${prefix}`, objectPath: path, stdin: source, stdout: sink.fd! });
    const digest = await hashing;
    const stored = fstatSync(sink.fd!).size;
    await sink.close();
    if (stored !== digest.size) throw new BackendError(`replicating object ${path} of copy ${prefix}: ${digest.size} bytes read, ${stored} stored`);
    opts.onBytes?.(path, digest.size);
    return digest;
  } catch (e) {
    stop.abort(e);
    await sink.abort(e).catch(() => {});
    // cat's own words say why (a full disk, an I/O error): they are the failure, not its exit code.
    const why = e instanceof ExecError ? e.stderrTail.trim().split("\n").at(-1) : undefined;
    throw why ? new BackendError(`replicating object ${path} of copy ${prefix}: ${why}`, { cause: e }) : e;
  } finally {
    closeSync(source);
  }
}

const _CAT: ResolvedExec = { argv: ["cat"], env: {}, ec: EC_DEFAULT, vlStderr: 1, vlStdout: 9 };

/** Source bytes into the sink, hashed on the way (as restore reads a store's stream); on a failure the sink is given up. */
async function _stream(stream: ReadableStream<Uint8Array>, sink: Sink, signal: AbortSignal, onBytes: (n: number) => void): Promise<Digest> {
  try {
    const digest = await digestStream(stream, {
      signal,
      onChunk: async (chunk) => {
        await sink.write(chunk);
        onBytes(chunk.length);
      },
    });
    await sink.close();
    return digest;
  } catch (e) {
    await sink.abort(e).catch(() => {});
    throw e;
  }
}

/** After server-side copies: every object is there with the size the manifest says. */
async function _checkSizes(destination: Copies, prefix: string, objects: readonly ManifestObject[]): Promise<void> {
  const sizes = new Map<string, bigint>();
  await storeCall(destination.store, "listing", `${prefix}/`, async () => {
    for await (const e of destination.store.list(`${prefix}/`)) sizes.set(e.key.slice(prefix.length + 1), e.size);
  });
  for (const o of objects) {
    const got = sizes.get(o.path);
    if (got !== BigInt(o.size)) {
      throw new BackendError(`server-side copy of ${o.path} into ${destination.store.location(objectKey(prefix, o.path))}: expected ${o.size} bytes, ${got === undefined ? "nothing is there" : `got ${got}`}`);
    }
  }
}
