/**
 * Starting one exec as a child process, and stopping children without leaving any behind.
 *
 * Each child is started through util-linux's `setpriv --pdeathsig KILL` where
 * it is installed: the kernel kills the child when palhm dies, even of
 * SIGKILL, when no handler of palhm's can run. A child's own children are not
 * covered: they end when their pipe peers do.
 *
 * Each child leads its own process group, and is stopped as a group: what it
 * started (`sh -c '...; sleep 60 & wait'`) gets the signal too, instead of
 * holding the pipe open after its parent died. Whatever escaped the group
 * (a daemon in a session of its own) is killed at the end of an interrupted
 * run (run/reap.ts).
 */
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import type { Subprocess } from "bun";
import type { ResolvedExec } from "./types.ts";
import { captureStderr, showsStderrLive, type StderrCapture } from "./stderr.ts";

export type StdinSpec = "ignore" | "inherit" | number | ReadableStream<Uint8Array>;
export type StdoutSpec = "ignore" | "inherit" | "pipe" | number;

/** SIGTERM first; SIGKILL for whatever still runs after this long. */
const KILL_GRACE_MS = 3000;

export interface Spawned {
  readonly exec: ResolvedExec;
  readonly proc?: Subprocess;
  readonly spawnError?: Error;
  /** Its stderr: shown live or held, and its last lines kept for the failure (stderr.ts). */
  readonly stderr?: StderrCapture;
  /** palhm asked it to stop. */
  stopped: boolean;
}

export function spawnExec(
  exec: ResolvedExec,
  stdio: { stdin: StdinSpec; stdout: StdoutSpec; verbosity: number },
): Spawned {
  const env = { ...process.env, ...exec.env };
  const prefix = deathPrefix();
  const missing = prefix.length ? _unrunnable(exec.argv[0]!, env.PATH) : null;
  if (missing) return { exec, spawnError: new Error(missing), stopped: false };
  try {
    const proc = Bun.spawn([...prefix, ...exec.argv], {
      env,
      stdin: stdio.stdin as "ignore",
      stdout: stdio.stdout as "pipe",
      stderr: "pipe",
      detached: true,
    });
    const stderr = captureStderr(proc.stderr as ReadableStream<Uint8Array>, showsStderrLive(stdio.verbosity, exec.vlStderr));
    return { exec, proc, stderr, stopped: false };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const reason = err.code === "ENOENT" ? "program not found" : err.code === "EACCES" ? "permission denied" : err.message;
    return { exec, spawnError: new Error(reason), stopped: false };
  }
}

let _prefix: string[] | undefined;

/**
 * `setpriv --pdeathsig KILL --` if it works here, else nothing: put it before a child's argv so the child dies with palhm.
 * Whether this setpriv knows `--pdeathsig` (util-linux >= 2.33) is read from the program itself rather than
 * asked by running it: a spawn at every start-up costs more than the whole routine it guards.
 */
export function deathPrefix(): string[] {
  if (_prefix) return _prefix;
  const setpriv = Bun.which("setpriv");
  return (_prefix = setpriv && _knowsPdeathsig(setpriv) ? [setpriv, "--pdeathsig", "KILL", "--"] : []);
}

function _knowsPdeathsig(program: string): boolean {
  try {
    accessSync(program, constants.X_OK);
    return readFileSync(program).includes("pdeathsig");
  } catch {
    return false;
  }
}

/** Why `program` cannot be started, as a spawn would say it (the wrapper would only exit 126/127). */
function _unrunnable(program: string, path: string | undefined): string | null {
  if (!program.includes("/")) return Bun.which(program, { PATH: path ?? "" }) ? null : "program not found";
  try {
    accessSync(program, constants.X_OK);
    return null;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT" ? "program not found" : "permission denied";
  }
}

function _running(s: Spawned): s is Spawned & { proc: Subprocess } {
  return s.proc !== undefined && s.proc.exitCode === null && s.proc.signalCode === null;
}

/** Signals every process of the group `pgid` leads; false when the group is gone. */
export function signalGroup(pgid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, sig);
    return true;
  } catch {
    return false; // ESRCH: no process left in it
  }
}

/**
 * Stops the children's process groups: SIGTERM to each group (marking the children still running as
 * stopped), SIGKILL to a group once its leader has exited or after a grace period, whichever is first.
 * Groups of children that already exited are included: a straggler there may hold a pipe of the pipeline.
 * Resolves when every child has exited.
 */
export async function stopAll(children: readonly Spawned[]): Promise<void> {
  const started = children.filter((c): c is Spawned & { proc: Subprocess } => c.proc !== undefined);
  for (const c of started) {
    if (_running(c)) c.stopped = true;
    _signalStragglers(c, "SIGTERM");
  }
  if (started.length === 0) return;
  const timer = setTimeout(() => {
    for (const c of started) _signalStragglers(c, "SIGKILL");
  }, KILL_GRACE_MS);
  try {
    await Promise.all(started.map((c) => c.proc.exited.then(() => _signalStragglers(c, "SIGKILL"))));
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Signals the child's process group. Once the child itself is reaped, its pid may be given to another
 * process, which could lead a group of its own by that number: the group is then signalled only while no
 * process holds that pid (the kernel never hands out a pid still used as a group id, so what is left in
 * the group is what the child started).
 */
function _signalStragglers(c: Spawned & { proc: Subprocess }, sig: NodeJS.Signals): void {
  const reaped = c.proc.exitCode !== null || c.proc.signalCode !== null;
  if (reaped && existsSync(`/proc/${c.proc.pid}`)) return;
  signalGroup(c.proc.pid, sig);
}
