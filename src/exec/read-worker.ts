/**
 * The thread of ./read-loop.ts: blocking reads of one pipe into a ring of
 * shared slots, hashing each slot as it fills, until end-of-file.
 *
 * `{ fd, sab, slots, slotSize, sha256 }` starts a job. Slot states live in the
 * first `slots` Int32s of `sab` (FREE, FULL, STOP), the bytes after
 * DATA_OFFSET. For each read: wait until the slot is FREE, read into it,
 * mark it FULL (compare-and-exchange, so a STOP set meanwhile wins) and post
 * `{ slot, n }`; the main thread hands the bytes on and sets it FREE again.
 * At end-of-file: `{ end: true, size, sha256? }`; after a STOP: `{ stopped: true }`;
 * a failed read: `{ error, code }`. The thread never closes the fd.
 *
 * The thread runs `_main`'s own source (see ./threads.ts), so `_main` uses
 * only globals and the `node:fs` it is given.
 */
import { workerOf } from "./threads.ts";

export const FREE = 0;
export const FULL = 1;
export const STOP = 2;
/** Where the bytes start in the shared buffer: after the slot states, cache-line aligned. */
export const DATA_OFFSET = 64;

function _main(fs: typeof import("node:fs")): void {
  const FREE = 0, FULL = 1, STOP = 2, DATA_OFFSET = 64;
  const { readSync } = fs;
  const scope = globalThis as unknown as { onmessage: unknown; postMessage(m: unknown): void };
  type Job = { fd: number; sab: SharedArrayBuffer; slots: number; slotSize: number; sha256: boolean };
  scope.onmessage = (event: MessageEvent<Job>) => {
    const { fd, sab, slots, slotSize, sha256 } = event.data;
    const state = new Int32Array(sab, 0, slots);
    const data = new Uint8Array(sab, DATA_OFFSET, slots * slotSize);
    const hasher = sha256 ? new Bun.CryptoHasher("sha256") : null;
    let size = 0;
    try {
      for (let i = 0; ; i = (i + 1) % slots) {
        // Wait with the value just tested: a change made after the test makes the wait return at once.
        for (let s = Atomics.load(state, i); s !== FREE; s = Atomics.load(state, i)) {
          if (s === STOP) return scope.postMessage({ stopped: true });
          Atomics.wait(state, i, s);
        }
        const view = data.subarray(i * slotSize, (i + 1) * slotSize);
        let n: number;
        for (;;) {
          try {
            n = readSync(fd, view, 0, slotSize, null);
            break;
          } catch (e) {
            if ((e as { code?: string }).code !== "EINTR" && (e as { code?: string }).code !== "EAGAIN") throw e;
          }
        }
        if (n === 0) break;
        hasher?.update(view.subarray(0, n));
        size += n;
        if (Atomics.compareExchange(state, i, FREE, FULL) !== FREE) return scope.postMessage({ stopped: true });
        scope.postMessage({ slot: i, n });
      }
      scope.postMessage({ end: true, size, sha256: hasher?.digest("hex") });
    } catch (e) {
      scope.postMessage({ error: (e as Error)?.message ?? String(e), code: (e as { code?: string })?.code });
    }
  };
}

/** Starts one reading thread. */
export const startReadWorker = (): Worker => workerOf(_main);
