/**
 * Reading a pipe to its end, fast: a worker thread makes blocking reads into
 * a ring of reusable 1 MiB slots of shared memory (hashing each as it fills,
 * when asked) and this thread hands each slot to `onChunk`, then gives it
 * back. A ReadableStream of a child's stdout delivers ~21 KiB chunks, each a
 * promise, an allocation and a copy; here a chunk is up to a whole slot (the
 * pipe holds 1 MiB, see ./pipe.ts), the bytes are never copied on the way,
 * and SHA-256 runs on the reading thread while this one writes.
 */
import { DATA_OFFSET, FREE, FULL, STOP, startReadWorker } from "./read-worker.ts";
import { ThreadPool } from "./threads.ts";

const SLOTS = 4;
const SLOT_SIZE = 1 << 20;

export interface ReadOptions {
  /**
   * Receives the bytes, in order, one chunk at a time (the next is not given
   * before the promise returned settles). The chunk is a view of a slot that
   * is reused afterwards: copy what must outlive the call. A throw stops the
   * reading and is what `readLoop` rejects with.
   */
  readonly onChunk?: (chunk: Uint8Array) => void | Promise<void>;
  /** Compute the SHA-256 of the bytes on the reading thread. */
  readonly sha256?: boolean;
  /**
   * Called at once when `onChunk` throws. `readLoop` itself settles only when
   * the thread has let go of the fd, which takes the writers' end-of-file:
   * this is where to stop them.
   */
  readonly onFailure?: (error: unknown) => void;
  /** Aborted: hand nothing more to `onChunk` and stop reading (the promise settles once the thread's read returns). */
  readonly signal?: AbortSignal;
}

export interface ReadResult {
  /** Bytes read. */
  readonly size: number;
  /** Hex SHA-256 of the bytes, when asked for. */
  readonly sha256?: string;
}

type _Message = { slot: number; n: number } | { end: true; size: number; sha256?: string } | { stopped: true } | { error: string; code?: string };

const _pool = new ThreadPool<_Message>(startReadWorker, "the reading thread");
/** Each thread's ring of slots, made once. */
const _rings = new WeakMap<Worker, SharedArrayBuffer>();

/**
 * Reads `fd` (a pipe's read end, blocking mode) to end-of-file. Resolves with
 * the size (and digest) once every byte was given to `onChunk`; rejects with
 * what `onChunk` threw (after which nothing more is read) or a read error.
 * The caller keeps `fd` and closes it after this settles.
 */
export function readLoop(fd: number, options: ReadOptions = {}): Promise<ReadResult> {
  const reader = _pool.acquire();
  let sab = _rings.get(reader.worker);
  if (!sab) _rings.set(reader.worker, (sab = new SharedArrayBuffer(DATA_OFFSET + SLOTS * SLOT_SIZE)));
  const state = new Int32Array(sab, 0, SLOTS);
  state.fill(FREE);
  const { onChunk } = options;
  return new Promise<ReadResult>((resolve, reject) => {
    let queue: Promise<void> = Promise.resolve();
    let failure: { error: unknown } | undefined;
    let died = false;
    const stop = (error: unknown) => {
      failure ??= { error };
      for (let i = 0; i < SLOTS; i++) {
        Atomics.store(state, i, STOP);
        Atomics.notify(state, i);
      }
    };
    const finish = (settle: () => void) => {
      // Every chunk handed out is settled before the outcome is known.
      void queue.then(() => {
        _pool.release(reader, !died);
        settle();
      });
    };
    reader.onError = (error) => {
      died = true;
      stop(error);
      finish(() => reject(error));
    };
    reader.onMessage = (m) => {
      if ("slot" in m) {
        const chunk = new Uint8Array(sab, DATA_OFFSET + m.slot * SLOT_SIZE, m.n);
        queue = queue.then(async () => {
          if (failure) return;
          try {
            await onChunk?.(chunk);
          } catch (e) {
            stop(e);
            options.onFailure?.(e);
            return;
          }
          if (Atomics.compareExchange(state, m.slot, FULL, FREE) === FULL) Atomics.notify(state, m.slot);
        });
      } else if ("end" in m) {
        finish(() => (failure ? reject(failure.error) : resolve({ size: m.size, ...(m.sha256 ? { sha256: m.sha256 } : {}) })));
      } else if ("stopped" in m) {
        finish(() => reject(failure?.error ?? new Error("reading stopped")));
      } else {
        const error = Object.assign(new Error(`reading the pipeline's output failed: ${m.error}`), { code: m.code });
        stop(error);
        finish(() => reject(failure!.error));
      }
    };
    options.signal?.addEventListener("abort", () => {
      stop(options.signal!.reason);
      // Its read may wait for a writer that never ends: it must not keep palhm alive.
      reader.worker.unref();
    }, { once: true });
    reader.worker.postMessage({ fd, sab, slots: SLOTS, slotSize: SLOT_SIZE, sha256: options.sha256 ?? false });
  });
}
