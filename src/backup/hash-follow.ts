/**
 * SHA-256 of an object the pipeline's last process writes straight into its
 * file: a thread hashes the file as it grows, reading the page cache behind
 * the writer, and once every process of the pipeline has exited reads to the
 * end and checks that what it hashed is the whole file (its size by fstat).
 * No byte of the object passes through JavaScript on the way to storage, and
 * the manifest records exactly the bytes that were stored.
 *
 * The file is reopened for reading through /proc/self/fd (a store hands out
 * a descriptor open for writing only).
 */
import { closeSync, existsSync, openSync } from "node:fs";
import { ThreadPool } from "../exec/threads.ts";
import { ABANDON, DONE, RUNNING, startFollowWorker } from "./hash-follow-worker.ts";

type _Message = { size: number; sha256: string } | { abandoned: true } | { error: string; code?: string };

const _pool = new ThreadPool<_Message>(startFollowWorker, "the hashing thread");

let _canFollow: boolean | undefined;

/** Whether a file can be followed here: it is reopened through /proc/self/fd (absent from a few sandboxes). */
export function canFollowFiles(): boolean {
  return (_canFollow ??= existsSync("/proc/self/fd") && existsSync("/proc/self/fdinfo"));
}

export interface FileFollower {
  /** Bytes hashed so far (behind or at the writer). */
  hashed(): number;
  /** Every writer has exited: the size and SHA-256 of the whole file. Rejects when the file cannot be read. */
  finish(): Promise<{ size: number; sha256: string }>;
  /** The object failed: stop hashing (safe to call more than once, or after `finish`); resolves once the thread has let go of the file. */
  abandon(): Promise<void>;
}

/** Starts hashing the regular file open as `fd` (for writing) from its first byte. */
export function followFile(fd: number): FileFollower {
  const readFd = openSync(`/proc/self/fd/${fd}`, "r");
  const sab = new SharedArrayBuffer(16);
  const state = new Int32Array(sab, 0, 1);
  const hashed = new Float64Array(sab, 8, 1);
  state[0] = RUNNING;
  const thread = _pool.acquire();
  let settled = false;
  const result = new Promise<{ size: number; sha256: string }>((resolve, reject) => {
    const done = (healthy: boolean) => {
      settled = true;
      // Only now: the thread no longer reads it, so its number cannot be reused under it.
      if (healthy) closeSync(readFd);
      _pool.release(thread, healthy);
    };
    thread.onMessage = (m) => {
      done(true);
      if ("sha256" in m) resolve(m);
      else if ("abandoned" in m) reject(new Error("hashing abandoned"));
      else reject(Object.assign(new Error(`hashing the stored object failed: ${m.error}`), { code: m.code }));
    };
    thread.onError = (error) => {
      // A dead thread holds nothing; its fd is closed with it gone.
      done(false);
      closeSync(readFd);
      reject(error);
    };
  });
  result.catch(() => {});
  thread.worker.postMessage({ fd: readFd, sab });
  /** RUNNING becomes DONE or ABANDON, once: an abandoned object is never finished after all. */
  const signal = (value: number) => {
    if (settled || Atomics.compareExchange(state, 0, RUNNING, value) !== RUNNING) return;
    Atomics.notify(state, 0);
  };
  return {
    hashed: () => hashed[0]!,
    finish: () => {
      signal(DONE);
      return result;
    },
    abandon: () => {
      signal(ABANDON);
      return result.then(() => {}, () => {});
    },
  };
}

/** Size and SHA-256 of a complete regular file open as `fd`, hashed on a thread; aborting `signal` stops it and rejects with the reason. */
export async function hashFile(fd: number, signal?: AbortSignal): Promise<{ size: number; sha256: string }> {
  signal?.throwIfAborted();
  const follower = followFile(fd);
  const onAbort = () => void follower.abandon();
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    return await follower.finish();
  } catch (e) {
    signal?.throwIfAborted();
    throw e;
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}
