import type { ResolvedExec } from "../../../src/config/resolved.ts";
import { parseEc } from "../../../src/exec/ec.ts";
import { ExecError } from "../../../src/errors.ts";

/** A ResolvedExec as the loader would build it (stderr shown from verbosity 1, stdout from 3). */
export function ex(argv: string[], over: { ec?: string; env?: Record<string, string>; vlStderr?: number; vlStdout?: number; id?: string } = {}): ResolvedExec {
  return {
    id: over.id,
    argv,
    env: over.env ?? {},
    ec: parseEc(over.ec ?? "==0"),
    vlStderr: over.vlStderr ?? 1,
    vlStdout: over.vlStdout ?? 3,
  };
}

export const sh = (script: string, over: Parameters<typeof ex>[1] = {}, ...args: string[]) => ex(["sh", "-c", script, ...args], over);

/** Whether a process id is gone (exited and reaped). */
export function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** The ExecError `p` rejects with; any other outcome fails the test. */
export async function execFailure(p: Promise<unknown>): Promise<ExecError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ExecError) return e;
    throw e;
  }
  throw new Error("expected an ExecError, but it succeeded");
}
