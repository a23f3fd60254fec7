/**
 * What every task run receives. Built once per `palhm run` by the run
 * command (src/commands/run.ts) and passed down to backup and routine runners.
 */
import type { ResolvedConfig } from "../config/resolved.ts";
import type { Logger } from "../log.ts";
import type { Interrupts } from "./interrupt.ts";

export interface RunContext {
  readonly config: ResolvedConfig;
  readonly log: Logger;
  /** Effective verbosity (config, then -q/-v). */
  readonly verbosity: number;
  /** Fires on SIGINT/SIGTERM: stop children, roll back, exit 130/143. Its `reason` is an InterruptedError. */
  readonly signal: AbortSignal;
  /** The run's signal state (SIGINT/SIGTERM, `sigmask`). Absent when a runner is used as a library. */
  readonly interrupts?: Interrupts;
  /** Print the plan, run nothing. */
  readonly dryRun?: boolean;
  /** `--json`: the result goes to stdout as JSON, so no live progress is drawn. */
  readonly json?: boolean;
  /** Filled in by a backup run as it goes, so a failed run can still say what it got to (`--json`). */
  readonly report?: RunReport;
}

/** What a backup run got to; read after a failure. */
export interface RunReport {
  prefix?: string;
  location?: string;
  /** The manifest was written: a failure after this (a `post` hook, rotation) keeps the copy. */
  committed?: boolean;
  /** Objects built so far. */
  readonly objects: BackupResult["objects"][number][];
}

/** What a backup run reports (for the summary line and `--json`). */
export interface BackupResult {
  readonly task: string;
  readonly prefix: string;
  readonly location: string;
  readonly objects: readonly { path: string; size: number; sha256: string; durationMs: number }[];
  /** Prefixes removed by rotation. */
  readonly removed: readonly string[];
  /** Incomplete copies left by runs that died, removed before this one started (never counted by rotation). */
  readonly leftovers?: readonly string[];
  /** The backend keeps nothing (its store discards): no copy to name, nothing rotated. */
  readonly discarded?: boolean;
  readonly durationMs: number;
  /** Copies under the backend after rotation (absent for the null backend). */
  readonly copiesKept?: number;
  /** A fan-out's destinations: where the copy is kept, and where it failed (require "any"). */
  readonly destinations?: readonly { readonly root: string; readonly ok: boolean; readonly location?: string; readonly error?: string }[];
  /** Copies dated after now that rotation left alone (a clock problem). */
  readonly futureCopies?: readonly string[];
}
