/**
 * Worker threads kept for the next job: starting one costs milliseconds and
 * megabytes, and a backup of many small objects would pay it per object.
 * An idle thread is unreferenced, so it never keeps palhm alive.
 */

/**
 * A thread running `main`'s own source from a Blob URL: no file of its own,
 * so the same code works from the repository and inside a compiled binary
 * (where a worker file would have to be a separate build entrypoint). `main`
 * must therefore use nothing but globals and the `node:fs` it is given (the
 * bundler rewrites a `require` inside it to a helper the thread lacks).
 */
export function workerOf(main: (fs: typeof import("node:fs")) => void): Worker {
  const source = `(${main.toString()})(require("node:fs"));\n`;
  return new Worker(URL.createObjectURL(new Blob([source], { type: "application/javascript" })));
}
export interface Thread<M> {
  readonly worker: Worker;
  /** The current job's handler of the thread's messages. */
  onMessage?: (data: M) => void;
  /** The current job's handler of a thread that died (an uncaught throw in it). */
  onError?: (error: Error) => void;
}

export class ThreadPool<M> {
  readonly #idle: Thread<M>[] = [];

  constructor(
    private readonly start: () => Worker,
    /** What a dead thread's error says, e.g. "the reading thread". */
    private readonly name: string,
    private readonly maxIdle = 4,
  ) {}

  acquire(): Thread<M> {
    const idle = this.#idle.pop();
    if (idle) {
      idle.worker.ref();
      return idle;
    }
    const thread: Thread<M> = { worker: this.start() };
    thread.worker.onmessage = (event: MessageEvent<M>) => thread.onMessage?.(event.data);
    // Without a handler a thread that throws fails silently, and whoever waits on it waits forever.
    thread.worker.onerror = (event) => {
      event.preventDefault?.();
      thread.onError?.(new Error(`${this.name} failed: ${event.message}`));
    };
    return thread;
  }

  /** Gives the thread back when its job is over; a thread that died, or one too many, is ended. */
  release(thread: Thread<M>, healthy: boolean): void {
    thread.onMessage = thread.onError = undefined;
    if (healthy && this.#idle.length < this.maxIdle) {
      thread.worker.unref();
      this.#idle.push(thread);
    } else {
      thread.worker.terminate();
    }
  }
}
