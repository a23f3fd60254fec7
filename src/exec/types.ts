/** What the process primitive runs; the config resolves its execs into these. */
import type { EcRange } from "./ec.ts";

/** A program ready to spawn: an exec with appended argv/env merged in. */
export interface ResolvedExec {
  /** The exec id it came from, if any (for messages). */
  readonly id?: string;
  readonly argv: readonly string[];
  /** Only the variables the config adds; the inherited environment is added at spawn time. */
  readonly env: Readonly<Record<string, string>>;
  readonly ec: EcRange;
  readonly vlStderr: number;
  readonly vlStdout: number;
}
