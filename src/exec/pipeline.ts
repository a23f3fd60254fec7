/**
 * A pipeline `a | b | c > sink`: every process is started at once, each
 * stdout connected to the next stdin by a kernel pipe (no byte between two
 * children passes through JavaScript). Only the last process's stdout is
 * read here, chunk by chunk, for the sink.
 */
import type { ResolvedExec } from "../config/resolved.ts";
import { closeFd, openPipe } from "./pipe.ts";
import { spawnExec, stopAll, type Spawned, type StdinSpec, type StdoutSpec } from "./process.ts";
import { judgeOutcomes, type ProcessOutcome } from "./outcome.ts";
import { ecAccepts } from "./ec.ts";

export interface PipelineOptions {
  /** Aborting stops every process; the pipeline then rejects with `signal.reason`. */
  readonly signal: AbortSignal;
  readonly verbosity: number;
  /** Where this runs, for messages, e.g. `task backup, object "db.sql.zst"`. */
  readonly label: string;
  /** The object path, recorded on the ExecError. */
  readonly objectPath?: string;
  /** The first process's stdin. @default "ignore" */
  readonly stdin?: "ignore" | ReadableStream<Uint8Array> | number;
  /** Receives the last process's stdout. A throw stops the pipeline and is rethrown. */
  readonly onChunk?: (chunk: Uint8Array) => void | Promise<void>;
  /** Where the last stdout goes when there is no `onChunk`. @default "ignore" */
  readonly stdout?: "inherit" | "ignore";
}

/** Runs the pipeline to the end; rejects with an ExecError (root cause first), the sink's error, or the abort reason. */
export async function runPipeline(execs: readonly ResolvedExec[], opts: PipelineOptions): Promise<void> {
  if (execs.length === 0) throw new Error("runPipeline: empty pipeline");
  opts.signal.throwIfAborted();
  const children = await _startAll(execs, opts);
  let sinkError: unknown;
  let stopping: Promise<void> | undefined;
  // Once stopped, its processes are gone: a pipe still held open by one that escaped their groups is not waited for.
  const stopped = Promise.withResolvers<void>();
  const stop = () => (stopping ??= stopAll(children).finally(() => stopped.resolve()));
  const onAbort = () => void stop();
  opts.signal.addEventListener("abort", onAbort);
  try {
    if (children.some((c) => c.spawnError)) {
      await stop();
    } else {
      for (const c of children) void c.proc!.exited.then(() => {
        if (_failedHard(c)) void stop();
      });
      if (opts.onChunk) sinkError = await _drain(children.at(-1)!, opts.onChunk, stop, stopped.promise);
    }
    await Promise.all(children.map((c) => c.proc?.exited));
    if (stopping) await stopping;
    await Promise.all(children.map((c) => c.stderr?.finished(c.proc!.exited)));
  } finally {
    opts.signal.removeEventListener("abort", onAbort);
  }
  const error = judgeOutcomes(children.map(_outcome), {
    label: opts.label,
    objectPath: opts.objectPath,
    sinkFailed: sinkError !== undefined,
  });
  if (opts.signal.aborted) throw opts.signal.reason;
  if (error) throw error;
  if (sinkError !== undefined) throw sinkError;
}

async function _startAll(execs: readonly ResolvedExec[], opts: PipelineOptions): Promise<Spawned[]> {
  const children: Spawned[] = [];
  let readEnd: number | undefined;
  for (let i = 0; i < execs.length; i++) {
    const last = i === execs.length - 1;
    let writeEnd: number | undefined;
    let nextRead: number | undefined;
    if (!last) [nextRead, writeEnd] = await openPipe();
    const stdin: StdinSpec = i === 0 ? (opts.stdin ?? "ignore") : readEnd!;
    const stdout: StdoutSpec = !last ? writeEnd! : opts.onChunk ? "pipe" : (opts.stdout ?? "ignore");
    const child = spawnExec(execs[i]!, { stdin, stdout, verbosity: opts.verbosity });
    children.push(child);
    // The children hold their own copies now; the parent's would keep readers from seeing EOF.
    closeFd(i === 0 ? undefined : readEnd);
    closeFd(writeEnd);
    readEnd = nextRead;
    if (child.spawnError) break;
  }
  closeFd(readEnd);
  return children;
}

async function _drain(
  last: Spawned,
  onChunk: NonNullable<PipelineOptions["onChunk"]>,
  stop: () => Promise<void>,
  stopped: Promise<void>,
): Promise<unknown> {
  const stream = last.proc!.stdout as ReadableStream<Uint8Array>;
  const reader = stream.getReader();
  const gaveUp = stopped.then(() => null);
  try {
    for (;;) {
      const read = await Promise.race([reader.read(), gaveUp]);
      if (read === null) {
        await reader.cancel().catch(() => {});
        return undefined;
      }
      if (read.done) return undefined;
      await onChunk(read.value);
    }
  } catch (e) {
    void stop();
    await reader.cancel().catch(() => {});
    return e;
  } finally {
    reader.releaseLock();
  }
}

/** A failure that is not just SIGPIPE from a later failure: the rest of the pipeline is stopped at once. */
function _failedHard(c: Spawned): boolean {
  const p = c.proc!;
  if (p.signalCode === "SIGPIPE" || p.exitCode === 141) return false;
  if (c.stopped) return false;
  return p.exitCode === null || !ecAccepts(c.exec.ec, p.exitCode);
}

function _outcome(c: Spawned): ProcessOutcome {
  return {
    exec: c.exec,
    exitCode: c.proc ? c.proc.exitCode : null,
    signalCode: c.proc?.signalCode != null ? String(c.proc.signalCode) : null,
    stopped: c.stopped,
    spawnError: c.spawnError,
    ...(c.stderr ? { stderr: { tail: c.stderr.tail(), live: c.stderr.live } } : {}),
  };
}
