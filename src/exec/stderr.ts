/**
 * A child's stderr, read as it comes: passed through live to palhm's stderr
 * when the verbosity shows it, and in any case its last bytes held (bounded
 * per process), so the failure it explains can carry it, as zx's errors do.
 *
 * Under `-q` (verbosity 1, errors only) nothing is shown live: a tar warning
 * on a run that succeeds stays out of the cron mail, and a run that fails
 * prints the program's last lines with the failure.
 */

/** How much of a child's stderr is held: the last 64 KiB. */
export const STDERR_TAIL_BYTES = 64 * 1024;

/** How long to keep reading after the child exited (a program it left behind may hold the pipe open). */
const _AFTER_EXIT_MS = 2000;

/** Whether a child's stderr goes live to palhm's stderr: at or above its threshold, and above "errors only". */
export function showsStderrLive(verbosity: number, vlStderr: number): boolean {
  return verbosity >= vlStderr && verbosity >= 2;
}

/** The last `limit` bytes of a stream, and how many came before them. */
export class Tail {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;
  /** Bytes dropped from the front. */
  dropped = 0;

  constructor(private readonly limit = STDERR_TAIL_BYTES) {}

  push(chunk: Uint8Array): void {
    if (chunk.length >= this.limit) {
      this.dropped += this.size + chunk.length - this.limit;
      this.chunks.length = 0;
      this.chunks.push(chunk.slice(chunk.length - this.limit));
      this.size = this.limit;
      return;
    }
    this.chunks.push(chunk.slice());
    this.size += chunk.length;
    while (this.size > this.limit) {
      const first = this.chunks[0]!;
      const over = this.size - this.limit;
      if (first.length <= over) {
        this.chunks.shift();
        this.size -= first.length;
        this.dropped += first.length;
      } else {
        this.chunks[0] = first.subarray(over);
        this.size -= over;
        this.dropped += over;
      }
    }
  }

  /** The held text; when bytes were dropped, the first (partial) line is left out too. */
  text(): string {
    let text = new TextDecoder().decode(Buffer.concat(this.chunks));
    if (this.dropped > 0) {
      const nl = text.indexOf("\n");
      text = nl >= 0 ? text.slice(nl + 1) : text;
    }
    return text;
  }
}

export interface StderrCapture {
  /** The last lines the child wrote to stderr (at most STDERR_TAIL_BYTES). */
  tail(): string;
  /** Whether they were shown live as they came. */
  readonly live: boolean;
  /** Resolves when the stream has been read to its end, or soon after the child exited if something else still holds it. */
  finished(exited: Promise<unknown>): Promise<void>;
}

/** Reads `stream` to its end into a Tail, writing each chunk to palhm's stderr too when `live`. */
export function captureStderr(stream: ReadableStream<Uint8Array>, live: boolean): StderrCapture {
  const tail = new Tail();
  const reader = stream.getReader();
  const done = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        tail.push(value);
        if (live) process.stderr.write(value);
      }
    } catch {
      // cancelled after exit, or the pipe broke: what was read is kept
    }
  })();
  return {
    live,
    tail: () => tail.text(),
    async finished(exited) {
      await exited;
      let timer: Timer | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          void reader.cancel().catch(() => {});
          resolve();
        }, _AFTER_EXIT_MS);
      });
      try {
        await Promise.race([done, late]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** `stderr` as printed under a failure: each line indented, introduced by whose it is. */
export function formatStderrTail(program: string, tail: string): string {
  const lines = tail.replace(/\n+$/, "").split("\n");
  if (lines.length === 1 && lines[0] === "") return "";
  return `stderr of ${program} (last lines):\n${lines.map((l) => `  ${l}`).join("\n")}`;
}
