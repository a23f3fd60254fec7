/** Running one exec on its own (a routine step): stdout and stderr shown or discarded by verbosity. */
import type { ResolvedExec } from "./types.ts";
import { runPipeline } from "./pipeline.ts";

export interface ExecOptions {
  /** Aborting stops the process; the call then rejects with `signal.reason`. */
  readonly signal: AbortSignal;
  readonly verbosity: number;
  /** Where this runs, for messages, e.g. `task maint, step 2`. */
  readonly label?: string;
  /** @default "ignore" */
  readonly stdin?: "ignore" | ReadableStream<Uint8Array> | number;
}

/**
 * Runs the program; stdout goes to palhm's stdout when `verbosity >= exec.vlStdout`,
 * else to /dev/null (stderr likewise with `vlStderr`). Rejects with an ExecError
 * naming argv, the code or signal and the accepted range when it ends outside `exec.ec`.
 */
export async function runExec(exec: ResolvedExec, opts: ExecOptions): Promise<void> {
  await runPipeline([exec], {
    signal: opts.signal,
    verbosity: opts.verbosity,
    label: opts.label ?? (exec.id ? `exec ${exec.id}` : ""),
    stdin: opts.stdin,
    stdout: opts.verbosity >= exec.vlStdout ? "inherit" : "ignore",
  });
}
