/**
 * How an object's bytes reach its restore pipeline: a staged file, or the
 * object's own local file (the kernel moves the bytes), or the store's
 * stream through palhm, hashed on the way. Each says whether the bytes the
 * pipeline took were the manifest's.
 */
import { closeSync, readFileSync } from "node:fs";
import { open } from "node:fs/promises";
import type { ManifestObject } from "../backup/manifest.ts";
import { canFollowFiles, followFile } from "../backup/hash-follow.ts";
import type { ResolvedObject } from "../config/resolved.ts";
import type { CopyReader } from "../copies/reader.ts";
import { VerifyError } from "../errors.ts";
import { runPipeline } from "../exec/pipeline.ts";
import type { RunContext } from "../run/context.ts";
import { DigestBuilder, fileIdentity, mismatch, type Digest } from "./hash-stream.ts";

/** The object to feed: which copy, which path, and what its manifest says (none for a legacy copy). */
export interface Source {
  readonly copy: CopyReader;
  readonly path: string;
  readonly expected?: ManifestObject;
}

function _pipelineOptions(ctx: RunContext, object: ResolvedObject) {
  const last = object.restore!.at(-1)!;
  return {
    signal: ctx.signal,
    verbosity: ctx.verbosity,
    label: `restore of object "${object.path}"`,
    objectPath: object.path,
    stdout: ctx.verbosity >= last.vlStdout ? ("inherit" as const) : ("ignore" as const),
  };
}

/** Hands the staged file to the pipeline as its stdin: the bytes go from the kernel to the child. */
export async function feedFile(ctx: RunContext, object: ResolvedObject, file: string): Promise<void> {
  const fh = await open(file, "r");
  try {
    await runPipeline(object.restore!, { ..._pipelineOptions(ctx, object), stdin: fh.fd });
  } finally {
    await fh.close();
  }
}

export interface Feed {
  /** Bytes the pipeline took. */
  readonly onBytes: (n: number) => void;
  /** The object's local file as verified just before (its identity), and its digest. */
  readonly verified?: { readonly file: string; readonly digest: Digest };
  /** The object was not checked before (RestoreOptions.stream). */
  readonly stream: boolean;
}

/**
 * The object's local file as the pipeline's stdin (the kernel moves the
 * bytes); the digest if the pipeline read it whole (the file offset it
 * shares with palhm's descriptor says how far it read). Null when the store
 * keeps no local file.
 *
 * The file verified just before (`verified`) is not hashed again while it is
 * the same file, unwritten, before and after the pipeline read it; any other
 * is hashed meanwhile on a thread, and compared with the manifest.
 */
async function _feedLocalFile(ctx: RunContext, object: ResolvedObject, { copy, path, expected }: Source, { onBytes, verified, stream }: Feed): Promise<Digest | null | undefined> {
  const fd = canFollowFiles() ? await copy.openFile(path) : null;
  if (fd === null) return undefined;
  try {
    if (verified && fileIdentity(fd) === verified.file) {
      await runPipeline(object.restore!, { ..._pipelineOptions(ctx, object), stdin: fd });
      if (fileIdentity(fd) !== verified.file) throw _damaged(copy, path, "its file was written meanwhile", true);
      const read = _offset(fd);
      onBytes(read);
      return read >= verified.digest.size ? verified.digest : null;
    }
    const follower = followFile(fd);
    try {
      await runPipeline(object.restore!, { ..._pipelineOptions(ctx, object), stdin: fd });
    } catch (e) {
      await follower.abandon();
      throw e;
    }
    const digest = await follower.finish();
    const read = _offset(fd);
    onBytes(read);
    const whole = read >= digest.size;
    const why = whole && expected && mismatch(expected, digest);
    if (why) throw _damaged(copy, path, why, !stream);
    return whole ? digest : null;
  } finally {
    closeSync(fd);
  }
}

/** Where a descriptor's file offset stands (how far the processes sharing it have read). */
function _offset(fd: number): number {
  const m = /^pos:\s+(\d+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, "utf8"));
  return m ? Number(m[1]) : 0;
}

/** Streams the object from the backend into the pipeline, hashing it again on the way; the digest if the pipeline read it whole. */
export async function feedObject(ctx: RunContext, object: ResolvedObject, from: Source, feed: Feed): Promise<Digest | null> {
  const local = await _feedLocalFile(ctx, object, from, feed);
  const { copy, path, expected } = from;
  const { onBytes } = feed;
  if (local !== undefined) return local;
  const d = new DigestBuilder();
  let whole = false;
  const hashing = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      d.update(chunk);
      onBytes(chunk.byteLength);
      controller.enqueue(chunk);
    },
    flush() {
      whole = true;
    },
  });
  const source = (await copy.read(path)).pipeThrough(hashing);
  await runPipeline(object.restore!, { ..._pipelineOptions(ctx, object), stdin: source });
  const digest = d.digest();
  // A pipeline may stop reading early (and say so by its exit code); only a whole pass can be compared.
  const why = whole && expected && mismatch(expected, digest);
  if (why) throw _damaged(copy, path, why, !feed.stream);
  return whole ? digest : null;
}

/** An object whose bytes, read while its pipeline took them, are not those of the manifest: it changed since it was checked, or (stream) it was never checked before. */
function _damaged(copy: CopyReader, path: string, why: string, checkedFirst: boolean): VerifyError {
  const what = checkedFirst ? `changed while it was being restored (${why})` : `does not match its manifest (${why}), found while it was being applied (--stream)`;
  return new VerifyError(`object ${path} of copy ${copy.prefix} ${what}; nothing more is applied`);
}

