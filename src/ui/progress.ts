/**
 * Live progress per object on an interactive terminal: state, bytes, rate,
 * elapsed. Under cron, with -q, with --json, or when stdout is not a
 * terminal, progress is a no-op, so cron mails carry only errors.
 */
import { formatBytes, formatElapsed, formatRate } from "./format.ts";
import { isTerminal } from "./tty.ts";

export type ObjectState = "waiting" | "running" | "done" | "failed";

/** What runners report; every method is cheap. */
export interface Progress {
  objectQueued(path: string): void;
  objectStarted(path: string): void;
  /** `n` more bytes went to the sink (or came from the backend on restore). */
  objectBytes(path: string, n: number): void;
  objectFinished(path: string, ok: boolean): void;
  /** Draw the final state once more and stop redrawing; the rows stay as a record (the summary or an error follows below). */
  stop(): void;
}

interface _Row {
  path: string;
  state: ObjectState;
  bytes: number;
  startedAt?: number;
  endedAt?: number;
}

export const NO_PROGRESS: Progress = {
  objectQueued() {},
  objectStarted() {},
  objectBytes() {},
  objectFinished() {},
  stop() {},
};

/** The rows as text, one per object: pure, for tests and for the terminal renderer. */
export function renderProgress(rows: readonly _RowView[], now: number, width = 100): string[] {
  return rows.map((r) => {
    const elapsed = r.startedAt === undefined ? 0 : (r.endedAt ?? now) - r.startedAt;
    const rate = r.state === "waiting" ? "" : formatRate(r.bytes, elapsed);
    const line = `${r.state.padEnd(7)} ${formatBytes(r.bytes).padStart(10)} ${rate.padStart(12)} ${formatElapsed(elapsed).padStart(6)}  ${r.path}`;
    return line.length > width ? line.slice(0, width - 1) + "…" : line;
  });
}

export type _RowView = Readonly<_Row>;

export interface ProgressOptions {
  /** Where to draw (stderr, so stdout stays clean for --json). */
  readonly out: { write(s: string): unknown; columns?: number };
  /** Redraw period. */
  readonly intervalMs?: number;
  readonly now?: () => number;
}

/** Draws the rows in place with ANSI cursor movement. */
export function createTerminalProgress(options: ProgressOptions): Progress & { redraw(): void } {
  const now = options.now ?? Date.now;
  const rows = new Map<string, _Row>();
  let drawn = 0;
  const draw = () => {
    // A pseudo-terminal without a size (e.g. under `script`) reports 0 columns.
    const columns = options.out.columns && options.out.columns > 20 ? options.out.columns : 100;
    const lines = renderProgress([...rows.values()], now(), columns - 1);
    let s = drawn ? `\x1b[${drawn}A` : "";
    for (const l of lines) s += `\r\x1b[2K${l}\n`;
    options.out.write(s);
    drawn = lines.length;
  };
  const timer = setInterval(draw, options.intervalMs ?? 250);
  timer.unref?.();
  const row = (path: string) => {
    let r = rows.get(path);
    if (!r) rows.set(path, (r = { path, state: "waiting", bytes: 0 }));
    return r;
  };
  return {
    redraw: draw,
    objectQueued: (p) => void row(p),
    objectStarted(p) {
      const r = row(p);
      r.state = "running";
      r.startedAt = now();
    },
    objectBytes(p, n) {
      row(p).bytes += n;
    },
    objectFinished(p, ok) {
      const r = row(p);
      r.state = ok ? "done" : "failed";
      r.endedAt = now();
    },
    stop() {
      clearInterval(timer);
      if (rows.size) draw();
      rows.clear();
      drawn = 0;
    },
  };
}

/** Progress for this process: live on a terminal at verbosity >= info, else nothing. */
export function progressFor(opts: { verbosity: number; json?: boolean }): Progress {
  if (opts.json || opts.verbosity < 3 || !isTerminal(1) || !isTerminal(2)) return NO_PROGRESS;
  return createTerminalProgress({ out: process.stderr as unknown as ProgressOptions["out"] });
}

/** Passes a stream through unchanged, reporting its bytes as row `key`'s. */
export function countedStream(stream: ReadableStream<Uint8Array>, progress: Progress, key: string): ReadableStream<Uint8Array> {
  if (progress === NO_PROGRESS) return stream;
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        progress.objectBytes(key, chunk.byteLength);
        controller.enqueue(chunk);
      },
    }),
  );
}
