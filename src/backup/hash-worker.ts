/**
 * The hashing thread of ./hash.ts: one SHA-256 state per object being built.
 * `{ id, buffer, length }` adds bytes and is acknowledged with
 * `{ id, n, buffer }` (the buffer transferred back for reuse);
 * `{ id, end: true }` answers `{ id, sha256 }` and forgets the state.
 *
 * The thread runs `_main`'s own source from a Blob URL, so it needs no file of
 * its own: the same code works from the repository and inside a compiled
 * binary (where a worker file would have to be a separate build entrypoint).
 * `_main` must therefore use nothing but globals.
 */
function _main(): void {
  const scope = (globalThis as unknown as { self: Worker }).self;
  const hashers = new Map<number, Bun.CryptoHasher>();
  scope.onmessage = (event: MessageEvent<{ id: number; buffer?: ArrayBuffer; length?: number; end?: boolean }>) => {
    const { id, buffer, length, end } = event.data;
    let h = hashers.get(id);
    if (!h) hashers.set(id, (h = new Bun.CryptoHasher("sha256")));
    if (buffer) {
      h.update(new Uint8Array(buffer, 0, length));
      scope.postMessage({ id, n: length, buffer }, [buffer]);
    }
    if (end) {
      hashers.delete(id);
      scope.postMessage({ id, sha256: h.digest("hex") });
    }
  };
}

/** Starts the hashing thread. */
export function startHashWorker(): Worker {
  const source = `(${_main.toString()})();\n`;
  return new Worker(URL.createObjectURL(new Blob([source], { type: "application/javascript" })));
}
