/**
 * A key written by `rclone rcat`, which streams its stdin to the remote.
 * Bytes go into a kernel pipe whose read end is rclone's stdin: each chunk is
 * one write(2) into the pipe, with no stream pumped by the runtime in between,
 * and a full pipe (a slow remote) holds the writer back.
 */
import { write } from "node:fs";
import { promisify } from "node:util";
import type { Sink, SinkOptions } from "../store.ts";
import { closeFd, openPipe } from "../../exec/pipe.ts";
import type { Rclone } from "./command.ts";

const _write = promisify(write);

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
  let open = true;
  let pending: Promise<void> | undefined;
  const finish = () => {
    if (open) closeFd(writeEnd);
    open = false;
  };
  const writeAll = async (chunk: Uint8Array) => {
    for (let off = 0; off < chunk.length; ) off += (await _write(writeEnd, chunk, off, chunk.length - off)).bytesWritten;
  };
  return {
    async write(chunk) {
      try {
        await (pending = writeAll(chunk));
      } catch (e) {
        // rclone has gone (EPIPE): its own failure says why.
        finish();
        await ended;
        throw e;
      }
    },
    async close() {
      finish();
      await ended;
    },
    async abort(reason) {
      stop.abort(reason);
      await ended.catch(() => {});
      // Only now is our descriptor free of a write blocked on it (rclone gone, the write failed).
      await pending?.catch(() => {});
      finish();
    },
  };
}
