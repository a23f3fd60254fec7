/**
 * The thread of ./hash-follow.ts: SHA-256 of a file that is still being
 * written, read from the page cache up to its current end, again and again,
 * until told that every writer has exited.
 *
 * `{ fd, sab }` starts a job on `fd` (open for reading; never closed here).
 * `sab` holds Int32 [0], the job's state: RUNNING, DONE (no writer left: hash
 * to the end and answer) or ABANDON (answer at once), and Float64 [1], the
 * bytes hashed so far. Answers `{ size, sha256 }`, `{ abandoned: true }` or
 * `{ error, code }`.
 *
 * When the hash has caught up with the writer it waits on the state, a
 * millisecond at first and longer while nothing new comes (a slow dump costs
 * no busy polling), and reads on as soon as either the time is up or the state
 * changes. The state is loaded before each pass to the end of the file and
 * that same value is what the wait compares against: a DONE stored between
 * the load and the wait makes the wait return at once (with a re-loaded value
 * instead, that wake-up would be lost), and a DONE seen at the load means the
 * pass that follows reads everything the writers wrote.
 *
 * The thread runs `_main`'s own source (see ../exec/threads.ts), so `_main`
 * uses only globals and the `node:fs` it is given.
 */
import { workerOf } from "../exec/threads.ts";

export const RUNNING = 0;
export const DONE = 1;
export const ABANDON = 2;

function _main(fs: typeof import("node:fs")): void {
  const DONE = 1, ABANDON = 2;
  const BUFFER = 1 << 20, FIRST_WAIT_MS = 1, LONGEST_WAIT_MS = 64;
  const { readSync, fstatSync } = fs;
  const scope = globalThis as unknown as { onmessage: unknown; postMessage(m: unknown): void };
  const buf = new Uint8Array(BUFFER);
  scope.onmessage = (event: MessageEvent<{ fd: number; sab: SharedArrayBuffer }>) => {
    const { fd, sab } = event.data;
    const state = new Int32Array(sab, 0, 1);
    const hashed = new Float64Array(sab, 8, 1);
    let hasher = new Bun.CryptoHasher("sha256");
    let size = 0;
    /** Hashes from `size` to the current end; false when abandoned meanwhile. */
    const toTheEnd = (): boolean => {
      for (;;) {
        const n = readSync(fd, buf, 0, BUFFER, size);
        if (n === 0) return true;
        hasher.update(buf.subarray(0, n));
        size += n;
        hashed[0] = size;
        if (Atomics.load(state, 0) === ABANDON) return false;
      }
    };
    try {
      let wait = FIRST_WAIT_MS;
      for (;;) {
        const s = Atomics.load(state, 0);
        if (s === ABANDON) return scope.postMessage({ abandoned: true });
        const before = size;
        if (!toTheEnd()) return scope.postMessage({ abandoned: true });
        if (s === DONE) {
          // The file is complete, so what was hashed must be all of it. A file its writer
          // truncated is caught here and hashed once more, whole.
          if (fstatSync(fd).size !== size) {
            hasher = new Bun.CryptoHasher("sha256");
            size = 0;
            if (!toTheEnd()) return scope.postMessage({ abandoned: true });
            const now = fstatSync(fd).size;
            if (now !== size) throw new Error(`the file changed size while it was hashed (${size} bytes read, ${now} stored)`);
          }
          return scope.postMessage({ size, sha256: hasher.digest("hex") });
        }
        wait = size > before ? FIRST_WAIT_MS : Math.min(wait * 2, LONGEST_WAIT_MS);
        Atomics.wait(state, 0, s, wait);
      }
    } catch (e) {
      scope.postMessage({ error: (e as Error)?.message ?? String(e), code: (e as { code?: string })?.code });
    }
  };
}

/** Starts one following thread. */
export const startFollowWorker = (): Worker => workerOf(_main);
