/**
 * Building one object: its pipeline run into its sink, its size and SHA-256
 * taken on the way. Two paths, chosen by what the sink offers:
 *
 * - a sink with a file descriptor (a store keeping the object in a local
 *   file): the pipeline's last process writes straight into the file, and a
 *   thread hashes the file as it grows (./hash-follow.ts). Progress is the
 *   file's size, polled. A write error of that process (a full file system,
 *   a file-size limit) is found again by writing where it stopped, so the run
 *   fails naming ENOSPC or EFBIG and the storage, as when palhm wrote itself;
 * - any other sink: the last stdout is read by a thread into reusable
 *   buffers, hashed there, and each buffer is handed to `sink.write`
 *   (../exec/read-loop.ts).
 */
import { fstatSync, ftruncateSync, writeSync } from "node:fs";
import type { ResolvedObject } from "../config/resolved.ts";
import type { Sink } from "../backends/store.ts";
import { runPipeline } from "../exec/pipeline.ts";
import { readLoop } from "../exec/read-loop.ts";
import { BackendError, ExecError, isPalhmError } from "../errors.ts";
import type { Progress } from "../ui/progress.ts";
import { canFollowFiles, followFile } from "./hash-follow.ts";

export interface ObjectContext {
  readonly signal: AbortSignal;
  readonly verbosity: number;
  /** `task T, object "P"`, for messages. */
  readonly label: string;
  /** Where the copy is going, for storage failures. */
  readonly location: string;
  readonly progress: Progress;
  /** Whether progress is shown at all (polling the file is then skipped). */
  readonly live: boolean;
}

export interface StoredObject {
  readonly size: number;
  readonly sha256: string;
}

/** How often a file's size is read for the progress row. */
const POLL_MS = 200;
/** Write errors that are the storage's, not the program's. */
const STORAGE_CODES = new Set(["ENOSPC", "EFBIG", "EDQUOT"]);

/** Runs the object's pipeline into `sink` and closes the sink; rejects with the pipeline's or the storage's error (the caller aborts the sink). */
export async function storeObject(o: ResolvedObject, sink: Sink, ctx: ObjectContext): Promise<StoredObject> {
  return sink.fd !== undefined && canFollowFiles() ? _intoFile(o, sink, sink.fd, ctx) : _throughPalhm(o, sink, ctx);
}

async function _intoFile(o: ResolvedObject, sink: Sink, fd: number, ctx: ObjectContext): Promise<StoredObject> {
  const follower = followFile(fd);
  let reported = 0;
  const report = (size: number) => {
    if (size > reported) ctx.progress.objectBytes(o.path, size - reported);
    reported = Math.max(reported, size);
  };
  const poll = ctx.live ? setInterval(() => report(fstatSync(fd).size), POLL_MS) : undefined;
  try {
    await runPipeline(o.pipeline, { signal: ctx.signal, verbosity: ctx.verbosity, label: ctx.label, objectPath: o.path, stdout: fd });
  } catch (e) {
    await follower.abandon();
    throw (e instanceof ExecError && _storageFault(fd, ctx)) || e;
  } finally {
    clearInterval(poll);
  }
  try {
    const [stored] = await Promise.all([follower.finish(), _guard(ctx, () => sink.close())]);
    report(stored.size);
    return stored;
  } catch (e) {
    await follower.abandon();
    throw isPalhmError(e) ? e : _storing(ctx, e);
  }
}

async function _throughPalhm(o: ResolvedObject, sink: Sink, ctx: ObjectContext): Promise<StoredObject> {
  let stored: StoredObject | undefined;
  await runPipeline(o.pipeline, {
    signal: ctx.signal, verbosity: ctx.verbosity, label: ctx.label, objectPath: o.path,
    onStdout: async (readFd, fail, giveUp) => {
      const r = await readLoop(readFd, {
        sha256: true,
        onFailure: fail,
        signal: giveUp,
        onChunk: (chunk) => {
          ctx.progress.objectBytes(o.path, chunk.byteLength);
          return _guard(ctx, () => sink.write(chunk));
        },
      });
      stored = { size: r.size, sha256: r.sha256! };
    },
  });
  await _guard(ctx, () => sink.close());
  return stored!;
}

/**
 * Why the last process could not write, when the storage is why: one more
 * write where the file ends meets the same ENOSPC or EFBIG (or EDQUOT) the
 * process met. The probe is cut off again; the object is rolled back anyway.
 */
function _storageFault(fd: number, ctx: ObjectContext): BackendError | null {
  let end: number;
  try {
    end = fstatSync(fd).size;
  } catch {
    return null;
  }
  const probe = new Uint8Array(64 * 1024);
  try {
    for (let off = 0; off < probe.byteLength; ) {
      const n = writeSync(fd, probe, off, probe.byteLength - off, end + off);
      if (n === 0) return null;
      off += n;
    }
    return null;
  } catch (e) {
    return STORAGE_CODES.has((e as NodeJS.ErrnoException).code ?? "") ? _storing(ctx, e) : null;
  } finally {
    try {
      ftruncateSync(fd, end);
    } catch {
      // the rollback removes the file
    }
  }
}

function _storing(ctx: ObjectContext, e: unknown): BackendError {
  return new BackendError(`${ctx.label}: storing into ${ctx.location} failed: ${(e as Error)?.message ?? e}`, { cause: e });
}

/** A storage failure as a diagnosis naming the object and where it was going. */
async function _guard(ctx: ObjectContext, fn: () => void | Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    // The copy layer's BackendErrors say where and what; the object is named in front.
    if (e instanceof BackendError && !e.message.startsWith(ctx.label)) throw new BackendError(`${ctx.label}: ${e.message}`, { cause: e });
    if (isPalhmError(e)) throw e;
    throw _storing(ctx, e);
  }
}
