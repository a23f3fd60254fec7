/**
 * Runs one hooks.d executable as TKLBAM does: `PATH OP STATE`, no shell.
 *
 * Output: the hook's stdout and stderr both go to palhm's stderr (never to
 * palhm's stdout, which carries `--json`), with the thresholds of an exec:
 * stdout from verbosity 3, below it /dev/null; stderr from verbosity 2.
 * Under -q (errors only) the hook's stderr is held, as a program's is
 * (exec/stderr.ts): nothing on a success, its last lines in the failure.
 *
 * The hook runs in its own process group, so that a timeout or an
 * interruption stops it together with whatever it started (SIGTERM to the
 * group, SIGKILL after a grace period, and SIGKILL to stragglers once the
 * hook itself is gone). A hook that ends normally is left alone, including
 * daemons it started.
 *
 * Given the descriptor of the checked executable (hooks-dir.ts `openHook`),
 * it runs that open file (`/proc/self/fd/3` in the child), never whatever
 * the path names by then.
 */
import type { HookOp, HookState } from "./types.ts";
import { hookFailed, messageOf } from "./failure.ts";
import { deathPrefix } from "../exec/process.ts";
import { captureStderr, formatStderrTail, showsStderrLive, type StderrCapture } from "../exec/stderr.ts";
import { basename } from "node:path";

const _KILL_GRACE_MS = 5000;
/** Where the child finds the checked executable's descriptor. */
const _HOOK_FD = 3;

export interface HookExecutableRun {
  readonly path: string;
  /** An open descriptor of the executable, run instead of `path` (which then only names it in messages). */
  readonly fd?: number;
  readonly op: HookOp;
  readonly state: HookState;
  /** The complete environment of the process. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly verbosity: number;
  /** Stops the hook; the failure is then `signal.reason`. */
  readonly signal?: AbortSignal;
  /** Seconds; the hook is stopped and fails with "timed out after Ns". */
  readonly timeout?: number;
}

/** Resolves when the hook exits 0; otherwise throws HookError (or the signal's reason when interrupted). */
export async function runHookExecutable(run: HookExecutableRun): Promise<void> {
  const who = { hook: run.path, label: run.path };
  const { signal } = run;
  if (signal?.aborted) throw signal.reason;

  let proc: Bun.Subprocess<"ignore", number | "ignore", number | "ignore">;
  let held: StderrCapture | undefined;
  try {
    const program = run.fd === undefined ? run.path : `/proc/self/fd/${_HOOK_FD}`;
    const stdout = run.verbosity >= 3 ? 2 : "ignore";
    const stderr = showsStderrLive(run.verbosity, 1) ? 2 : "pipe";
    proc = Bun.spawn([...deathPrefix(), program, run.op, run.state], {
      env: run.env as Record<string, string>,
      stdio: run.fd === undefined ? ["ignore", stdout, stderr] : ["ignore", stdout, stderr, run.fd],
      detached: true,
    }) as typeof proc;
    if (stderr === "pipe") held = captureStderr((proc as unknown as { stderr: ReadableStream<Uint8Array> }).stderr, false);
  } catch (e) {
    throw hookFailed(who, run.op, run.state, `could not be started: ${messageOf(e)}`, { cause: e });
  }

  let stoppedBy: "timeout" | "signal" | undefined;
  let grace: Timer | undefined;
  const stop = (why: "timeout" | "signal") => {
    if (stoppedBy) return;
    stoppedBy = why;
    _killGroup(proc.pid, "SIGTERM");
    grace = setTimeout(() => _killGroup(proc.pid, "SIGKILL"), _KILL_GRACE_MS);
  };
  const onAbort = () => stop("signal");
  signal?.addEventListener("abort", onAbort, { once: true });
  const timer = run.timeout !== undefined ? setTimeout(() => stop("timeout"), run.timeout * 1000) : undefined;
  try {
    await proc.exited;
  } finally {
    clearTimeout(timer);
    clearTimeout(grace);
    signal?.removeEventListener("abort", onAbort);
    if (stoppedBy) _killGroup(proc.pid, "SIGKILL");
  }

  await held?.finished(proc.exited);
  // Held stderr is printed with the failure it explains, and only then.
  const reason = (what: string) => {
    const tail = held ? formatStderrTail(basename(run.path), held.tail()) : "";
    return tail ? `${what}\n${tail}` : what;
  };
  if (stoppedBy === "signal") throw signal!.reason;
  if (stoppedBy === "timeout") throw hookFailed(who, run.op, run.state, reason(`timed out after ${run.timeout}s`));
  if (proc.signalCode) {
    throw hookFailed(who, run.op, run.state, reason(`killed by ${proc.signalCode}`), { exitStatus: null });
  }
  if (proc.exitCode !== 0) {
    throw hookFailed(who, run.op, run.state, reason(`exit code ${proc.exitCode}`), { exitStatus: proc.exitCode });
  }
}

function _killGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    // ESRCH: the group is gone already.
  }
}
