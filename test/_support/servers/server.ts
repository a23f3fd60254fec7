/** What the database server helpers share: running a client to the end, waiting with a deadline, stopping a server for sure. */
import type { Subprocess } from "bun";

export interface Ran {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly env?: Record<string, string>;
  readonly input?: string;
  readonly cwd?: string;
}

/** Runs a program to the end, stdin from `input`. */
export async function runProgram(argv: string[], options: RunOptions = {}): Promise<Ran> {
  const proc = Bun.spawn(argv, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdin: options.input === undefined ? "ignore" : new TextEncoder().encode(options.input),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, status] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { status, stdout, stderr };
}

/** Like runProgram, but a failure throws with the program's stderr. */
export async function mustRun(argv: string[], options: RunOptions = {}): Promise<string> {
  const r = await runProgram(argv, options);
  if (r.status !== 0) throw new Error(`${argv.slice(0, 2).join(" ")} exited with ${r.status}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Polls `ready` until it is true, failing with `why()` if the server exits or the deadline passes. */
export async function waitUntil(what: string, server: Subprocess, ready: () => Promise<boolean>, why: () => string, deadlineMs = 90_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    if (server.exitCode !== null || server.signalCode !== null) throw new Error(`${what} exited while starting: ${why()}`);
    if (await ready()) return;
    if (Date.now() > until) throw new Error(`${what} was not ready within ${deadlineMs / 1000}s: ${why()}`);
    await Bun.sleep(100); // a poll interval, not a synchronisation: readiness is what is waited for
  }
}

/** Asks a server to stop with `signal`, and kills it if it is still there after the deadline. */
export async function stopServer(server: Subprocess, signal: NodeJS.Signals, deadlineMs = 30_000): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  server.kill(signal);
  const timer = setTimeout(() => server.kill("SIGKILL"), deadlineMs);
  try {
    await server.exited;
  } finally {
    clearTimeout(timer);
  }
}
