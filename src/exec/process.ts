/** Starting one exec as a child process, and stopping children without leaving any behind. */
import type { Subprocess } from "bun";
import type { ResolvedExec } from "../config/resolved.ts";

export type StdinSpec = "ignore" | "inherit" | number | ReadableStream<Uint8Array>;
export type StdoutSpec = "ignore" | "inherit" | "pipe" | number;

/** SIGTERM first; SIGKILL for whatever still runs after this long. */
const KILL_GRACE_MS = 3000;

export interface Spawned {
  readonly exec: ResolvedExec;
  readonly proc?: Subprocess;
  readonly spawnError?: Error;
  /** palhm asked it to stop. */
  stopped: boolean;
}

export function spawnExec(
  exec: ResolvedExec,
  stdio: { stdin: StdinSpec; stdout: StdoutSpec; verbosity: number },
): Spawned {
  try {
    const proc = Bun.spawn([...exec.argv], {
      env: { ...process.env, ...exec.env },
      stdin: stdio.stdin as "ignore",
      stdout: stdio.stdout as "pipe",
      stderr: stdio.verbosity >= exec.vlStderr ? "inherit" : "ignore",
    });
    return { exec, proc, stopped: false };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const reason = err.code === "ENOENT" ? "program not found" : err.code === "EACCES" ? "permission denied" : err.message;
    return { exec, spawnError: new Error(reason), stopped: false };
  }
}

function _running(s: Spawned): s is Spawned & { proc: Subprocess } {
  return s.proc !== undefined && s.proc.exitCode === null && s.proc.signalCode === null;
}

/** Sends SIGTERM to every child still running (marking it stopped), SIGKILL after a grace period; resolves when all have exited. */
export async function stopAll(children: readonly Spawned[]): Promise<void> {
  const running = children.filter(_running);
  for (const c of running) {
    c.stopped = true;
    c.proc.kill("SIGTERM");
  }
  if (running.length === 0) return;
  const timer = setTimeout(() => {
    for (const c of running) if (_running(c)) c.proc.kill("SIGKILL");
  }, KILL_GRACE_MS);
  try {
    await Promise.all(running.map((c) => c.proc.exited));
  } finally {
    clearTimeout(timer);
  }
}
