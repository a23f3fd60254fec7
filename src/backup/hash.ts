/**
 * SHA-256 of an object's bytes for the manifest, computed off the main
 * thread. Without SHA instructions the digest runs at a few hundred MiB/s on
 * one core, slower than moving the bytes; hashing on a worker thread lets the
 * main thread keep reading the pipeline and writing the sink meanwhile, so
 * the two overlap on two cores.
 *
 * Chunks are copied into BATCH-sized buffers that are transferred (not
 * cloned) to the worker and come back with its acknowledgement for reuse, so
 * at most IN_FLIGHT bytes wait for the worker; past that `update` returns a
 * promise, which slows the pipeline down instead of growing memory. Small
 * objects never pay for the thread: they end before the first batch is full
 * and are hashed in place.
 */
import { startHashWorker } from "./hash-worker.ts";

const BATCH = 1 << 20;
const IN_FLIGHT = 16 << 20;

/** The digest of one object's bytes, fed in order. */
export interface ObjectHasher {
  /** Adds a chunk (copied: the caller may reuse it). Returns a promise when the caller should wait. */
  update(chunk: Uint8Array): void | Promise<void>;
  /** Hex SHA-256 of every byte given. */
  digest(): Promise<string>;
  /** The object failed: forget its state. */
  abandon(): void;
}

export function objectHasher(): ObjectHasher {
  return new _Hasher();
}

interface _Session {
  inFlight: number;
  wake?: () => void;
  done?: { resolve(hex: string): void; reject(e: unknown): void };
}

let _worker: Worker | null | undefined;
let _nextId = 1;
const _sessions = new Map<number, _Session>();
/** Batch buffers back from the worker, for reuse. */
const _free: ArrayBuffer[] = [];

/** The shared hashing thread, or null where one cannot be started (hash on the main thread then). */
function _hashWorker(): Worker | null {
  if (_worker !== undefined) return _worker;
  try {
    _worker = startHashWorker();
  } catch {
    return (_worker = null);
  }
  // Referenced only while an object is being hashed (see _Hasher#flush): an idle thread must not keep
  // palhm alive, and Bun is slow to deliver messages of an unreferenced worker.
  _worker.unref();
  _worker.onmessage = (event: MessageEvent<{ id: number; n?: number; buffer?: ArrayBuffer; sha256?: string }>) => {
    const { id, n, buffer, sha256 } = event.data;
    if (buffer && _free.length < IN_FLIGHT / BATCH) _free.push(buffer);
    const s = _sessions.get(id);
    if (!s) return;
    if (n !== undefined) {
      s.inFlight -= n;
      if (s.inFlight <= IN_FLIGHT / 2) s.wake?.();
    }
    if (sha256 !== undefined) {
      _sessions.delete(id);
      if (_sessions.size === 0) _worker?.unref();
      s.done?.resolve(sha256);
    }
  };
  _worker.onerror = (event) => {
    const error = new Error(`the hashing thread failed: ${event.message}`);
    for (const s of _sessions.values()) {
      s.done?.reject(error);
      s.wake?.();
    }
    _sessions.clear();
    _worker = null;
  };
  return _worker;
}

class _Hasher implements ObjectHasher {
  #batch = new Uint8Array(_free.pop() ?? new ArrayBuffer(BATCH));
  #fill = 0;
  #id = 0;
  #session?: _Session;
  /** Hashing on this thread, where no worker can be started. */
  #inline?: Bun.CryptoHasher;

  update(chunk: Uint8Array): void | Promise<void> {
    if (this.#inline) return void this.#inline.update(chunk);
    for (let off = 0; off < chunk.byteLength; ) {
      const n = Math.min(BATCH - this.#fill, chunk.byteLength - off);
      this.#batch.set(chunk.subarray(off, off + n), this.#fill);
      this.#fill += n;
      off += n;
      if (this.#fill === BATCH && !this.#flush()) {
        this.#inline!.update(chunk.subarray(off));
        return;
      }
    }
    const s = this.#session;
    if (!s || s.inFlight <= IN_FLIGHT) return;
    return new Promise((resolve) => {
      s.wake = () => {
        s.wake = undefined;
        resolve();
      };
    });
  }

  async digest(): Promise<string> {
    if (this.#inline) return this.#inline.digest("hex");
    if (!this.#session) return new Bun.CryptoHasher("sha256").update(this.#batch.subarray(0, this.#fill)).digest("hex");
    if (this.#fill) this.#flush();
    const s = this.#session;
    if (!_worker) throw new Error("the hashing thread stopped");
    return new Promise((resolve, reject) => {
      s.done = { resolve, reject };
      _worker!.postMessage({ id: this.#id, end: true });
    });
  }

  abandon(): void {
    if (!this.#session) return;
    _sessions.delete(this.#id);
    _worker?.postMessage({ id: this.#id, end: true });
    if (_sessions.size === 0) _worker?.unref();
    this.#session = undefined;
  }

  /** Sends the batch to the worker; false when there is none (the batch was hashed here, and so is the rest). */
  #flush(): boolean {
    const worker = this.#session ? _worker : _hashWorker();
    if (!worker) {
      if (this.#session) throw new Error("the hashing thread stopped");
      this.#inline = new Bun.CryptoHasher("sha256").update(this.#batch.subarray(0, this.#fill));
      return false;
    }
    if (!this.#session) {
      _sessions.set((this.#id = _nextId++), (this.#session = { inFlight: 0 }));
      worker.ref();
    }
    this.#session.inFlight += this.#fill;
    const buffer = this.#batch.buffer;
    worker.postMessage({ id: this.#id, buffer, length: this.#fill }, [buffer]);
    this.#batch = new Uint8Array(_free.pop() ?? new ArrayBuffer(BATCH));
    this.#fill = 0;
    return true;
  }
}
