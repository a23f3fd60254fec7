/**
 * A key written by `rclone rcat`, which streams its stdin to the remote.
 * Bytes go into a kernel pipe whose read end is rclone's stdin, by writev(2)
 * on palhm's side with no stream pumped by the runtime in between. Each
 * write(2) is a hop to a worker thread (the pipe blocks when rclone is slow),
 * so chunks are queued and written in batches while the previous batch is in
 * flight: a chunk's `write` returns at once until IN_FLIGHT_MAX bytes wait,
 * which is also how far palhm runs ahead of a slow remote.
 */
import { writev } from "node:fs";
import { promisify } from "node:util";
import type { Sink, SinkOptions } from "../store.ts";
import { closeFd, openPipe } from "../../exec/pipe.ts";
import type { Rclone } from "./command.ts";

const _writev = promisify(writev);

const IN_FLIGHT_MAX = 8 * 1024 * 1024;
/**
 * Up to this size, rcat holds an object in memory and uploads it in one
 * request with a known size, which object stores (S3, GCS, B2) take more
 * cheaply than a chunked upload of unknown length.
 */
const ONE_REQUEST_MAX = 16n * 1024n * 1024n;
/** rclone's own default `--streaming-upload-cutoff` (100 KiB). */
const RCLONE_CUTOFF = 100n * 1024n;

/** The `rcat` flags for a size hint: a one-request upload when the object is expected small. */
export function rcatFlags(sizeHint: bigint | undefined): string[] {
  if (sizeHint === undefined || sizeHint <= RCLONE_CUTOFF || sizeHint > ONE_REQUEST_MAX) return [];
  // A hint is not exact: leave room above it, as an object past the cutoff is streamed anyway.
  const cutoff = sizeHint + sizeHint / 8n + 1n;
  return ["--streaming-upload-cutoff", `${cutoff < ONE_REQUEST_MAX ? cutoff : ONE_REQUEST_MAX}B`];
}

/** Writes every byte of `buffers` to `fd`, however the kernel splits them. */
async function _writeAll(fd: number, buffers: readonly Uint8Array[]): Promise<void> {
  const rest = [...buffers];
  while (rest.length > 0) {
    let n = (await _writev(fd, rest)).bytesWritten;
    while (rest.length > 0 && n >= rest[0]!.length) n -= rest.shift()!.length;
    if (n > 0) rest[0] = rest[0]!.subarray(n);
  }
}

export async function openRcatSink(rclone: Rclone, key: string, options: SinkOptions = {}): Promise<Sink> {
  const [readEnd, writeEnd] = await openPipe();
  const stop = new AbortController();
  const target = rclone.path(key);
  const done = rclone.call(`cannot write ${target}`, ["rcat", ...rcatFlags(options.sizeHint), target], {
    stdin: readEnd,
    signal: stop.signal,
  });
  // rclone holds its own copy of the read end while it runs; ours is closed
  // once it has ended, so a write blocked on a full pipe then fails (EPIPE)
  // instead of waiting for a reader that is gone.
  const ended = done.finally(() => closeFd(readEnd));
  ended.catch(() => {});

  let queue: Uint8Array[] = [];
  let queued = 0;
  let pumping: Promise<void> | undefined;
  let failed: { error: unknown } | undefined;
  let room: PromiseWithResolvers<void> | undefined;
  let open = true;
  const finish = () => {
    if (open) closeFd(writeEnd);
    open = false;
  };
  const pump = async () => {
    while (queue.length > 0 && !failed) {
      const batch = queue;
      const bytes = batch.reduce((n, b) => n + b.length, 0);
      queue = [];
      try {
        await _writeAll(writeEnd, batch);
      } catch (error) {
        failed = { error };
      }
      queued -= bytes;
      room?.resolve();
      room = undefined;
    }
    pumping = undefined;
  };
  /** Why writing stopped: rclone's own failure (it has gone: EPIPE) when it says one. */
  const failure = async (): Promise<never> => {
    finish();
    await ended;
    throw failed!.error;
  };
  return {
    async write(chunk) {
      if (failed) return failure();
      queue.push(chunk.slice());
      queued += chunk.length;
      pumping ??= pump();
      while (queued > IN_FLIGHT_MAX && !failed) await (room ??= Promise.withResolvers<void>()).promise;
      if (failed) return failure();
    },
    async close() {
      await pumping;
      if (failed) return failure();
      finish();
      await ended;
    },
    async abort(reason) {
      stop.abort(reason);
      await ended.catch(() => {});
      // Only now is our descriptor free of a write blocked on it (rclone gone, the write failed).
      await pumping;
      finish();
    },
  };
}
