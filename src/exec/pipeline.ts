/**
 * A pipeline `a | b | c > sink`: every process is started at once, each
 * stdout connected to the next stdin by a kernel pipe (no byte between two
 * children passes through JavaScript). The last process's stdout is a file
 * descriptor the caller gives (`> file`: its bytes never reach this process
 * either), or a pipe read here by ./read-loop.ts, for a sink that needs the
 * bytes, or palhm's stdout, or /dev/null.
 */
import type { ResolvedExec } from "./types.ts";
import { closeFd, openPipe } from "./pipe.ts";
import { spawnExec, stopAll, type Spawned, type StdinSpec, type StdoutSpec } from "./process.ts";
import { judgeOutcomes, type ProcessOutcome } from "./outcome.ts";
import { ecAccepts } from "./ec.ts";
import { readLoop } from "./read-loop.ts";

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
  /**
   * Reads the last process's stdout, a kernel pipe: given its read end, reads
   * it to end-of-file (e.g. with `readLoop`), settling once nothing reads the
   * fd any more; the pipeline closes it afterwards. A rejection stops the
   * pipeline and is what it rejects with; a consumer that fails while its
   * reading thread still waits for data calls `fail` at once, so the writers
   * are stopped. `giveUp` is aborted when the processes are gone but the pipe
   * is still held open (by a process that escaped): stop handing on bytes.
   */
  readonly onStdout?: (readFd: number, fail: (error: unknown) => void, giveUp: AbortSignal) => Promise<unknown>;
  /** Receives the last process's stdout chunk by chunk (each chunk the receiver's to keep). A throw stops the pipeline and is rethrown. */
  readonly onChunk?: (chunk: Uint8Array) => void | Promise<void>;
  /**
   * Where the last stdout goes when it is not read here: palhm's stdout,
   * /dev/null, or a file descriptor the caller owns (a regular file the last
   * process then writes straight into). @default "ignore"
   */
  readonly stdout?: "inherit" | "ignore" | number;
}

/** Runs the pipeline to the end; rejects with an ExecError (root cause first), the sink's error, or the abort reason. */
export async function runPipeline(execs: readonly ResolvedExec[], opts: PipelineOptions): Promise<void> {
  if (execs.length === 0) throw new Error("runPipeline: empty pipeline");
  opts.signal.throwIfAborted();
  const consume = _consumer(opts);
  let [readFd, writeFd] = consume ? await openPipe() : [];
  let children: Spawned[];
  try {
    children = await _startAll(execs, opts, writeFd);
  } finally {
    // The last child holds its own copy now; ours would keep the reader from seeing end-of-file.
    closeFd(writeFd);
  }
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
      if (readFd !== undefined) {
        sinkError = await _drain(readFd, consume!, stop, stopped.promise);
        readFd = undefined;
      }
    }
    await Promise.all(children.map((c) => c.proc?.exited));
    if (stopping) await stopping;
    await Promise.all(children.map((c) => c.stderr?.finished(c.proc!.exited)));
  } finally {
    opts.signal.removeEventListener("abort", onAbort);
    closeFd(readFd);
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

type _Consumer = NonNullable<PipelineOptions["onStdout"]>;

/** How long the rest of a stopped pipeline's output is still read. */
const DRAIN_GRACE_MS = 2000;

function _consumer(opts: PipelineOptions): _Consumer | undefined {
  if (opts.onStdout) return opts.onStdout;
  const { onChunk } = opts;
  // Each chunk is a copy the receiver keeps (readLoop's own are lent).
  return onChunk && ((fd, fail, giveUp) => readLoop(fd, { onChunk: (c) => onChunk(c.slice()), onFailure: fail, signal: giveUp }));
}

/** Starts every process; the last one's stdout is `lastOut` when given. */
async function _startAll(execs: readonly ResolvedExec[], opts: PipelineOptions, lastOut: number | undefined): Promise<Spawned[]> {
  const children: Spawned[] = [];
  let readEnd: number | undefined;
  for (let i = 0; i < execs.length; i++) {
    const last = i === execs.length - 1;
    let writeEnd: number | undefined;
    let nextRead: number | undefined;
    if (!last) [nextRead, writeEnd] = await openPipe();
    const stdin: StdinSpec = i === 0 ? (opts.stdin ?? "ignore") : readEnd!;
    const stdout: StdoutSpec = !last ? writeEnd! : (lastOut ?? opts.stdout ?? "ignore");
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

/**
 * Reads the last stdout to its end; returns what the consumer failed with (the
 * pipeline is then stopped at once), or undefined. The fd is closed once the
 * consumer has let go of it. Once the pipeline is stopped its processes are
 * gone: what is left in the pipe is still read, but a pipe held open by one
 * that escaped their groups is not waited for (its reader is told to give up,
 * and the fd is closed when that thread's read returns).
 */
async function _drain(readFd: number, consume: _Consumer, stop: () => Promise<void>, stopped: Promise<void>): Promise<unknown> {
  let failure: { error: unknown } | undefined;
  const fail = (error: unknown) => {
    failure ??= { error };
    void stop();
  };
  const giveUp = new AbortController();
  const consuming = consume(readFd, fail, giveUp.signal)
    .then(() => {}, fail)
    .finally(() => closeFd(readFd));
  const done = consuming.then(() => true);
  if (!(await Promise.race([done, stopped.then(() => false)]))) {
    const grace = new Promise<boolean>((resolve) => setTimeout(resolve, DRAIN_GRACE_MS, false).unref());
    if (!(await Promise.race([done, grace]))) giveUp.abort();
  }
  return failure?.error;
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
