/**
 * Running Debian's `rclone` program through the project's process primitive
 * (runPipeline): every call is a child stopped with the run (abort signal,
 * SIGTERM then SIGKILL, death with palhm), and a failure carries rclone's last
 * stderr lines, which name the real cause (`connection refused`, `permission
 * denied`, `directory not found`).
 *
 * Secrets never go on argv: rclone reads them from its config file (`config`)
 * or from RCLONE_CONFIG_<REMOTE>_<OPTION> variables in palhm's environment.
 * RCLONE_ASK_PASSWORD=false keeps an encrypted config from waiting at a
 * prompt (its password comes from RCLONE_CONFIG_PASS).
 */
import type { ResolvedExec } from "../../exec/types.ts";
import { runPipeline } from "../../exec/pipeline.ts";
import { parseEc } from "../../exec/ec.ts";
import { BackendError, ExecError } from "../../errors.ts";

/** Where the store's keys are, as rclone is told. */
export interface RcloneTarget {
  /** `NAME:path` of a remote in the rclone config, e.g. `sftp-host:backups/web1`. */
  readonly remote: string;
  /** An rclone config file (`--config`); rclone's default file when absent. */
  readonly config?: string;
  /** Extra rclone flags, put before every command's own arguments. */
  readonly flags: readonly string[];
}

export interface RcloneContext {
  /** Aborting stops the rclone children of this store then running; later calls (the run's cleanup) still run. */
  readonly signal: AbortSignal;
  readonly verbosity: number;
}

export interface CallOptions {
  /** rclone's stdin. @default "ignore" */
  readonly stdin?: "ignore" | ReadableStream<Uint8Array> | number;
  /** Receives rclone's stdout. */
  readonly onChunk?: (chunk: Uint8Array) => void | Promise<void>;
  /** Resolve with false instead of failing when rclone says the path does not exist (exit 3 or 4). */
  readonly missingOk?: boolean;
  /** Stops this call only. */
  readonly signal?: AbortSignal;
}

/** rclone's exit codes for "directory not found" and "file not found". */
const _MISSING = new Set([3, 4]);
const _OK = parseEc("0");
/** rclone's own stderr is held for failures and shown live only at debug verbosity. */
const _VL_DEBUG = 4;
const _DATE = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d /;

export class Rclone {
  constructor(
    readonly target: RcloneTarget,
    private readonly ctx: RcloneContext,
  ) {}

  /** The path rclone is given for a key or a dir ("" is the remote itself). */
  path(key: string): string {
    const remote = this.target.remote;
    if (key === "") return remote;
    return remote.endsWith(":") || remote.endsWith("/") ? remote + key : `${remote}/${key}`;
  }

  exec(args: readonly string[]): ResolvedExec {
    const config = this.target.config === undefined ? [] : ["--config", this.target.config];
    return {
      id: "rclone",
      argv: ["rclone", ...config, ...this.target.flags, ...args],
      env: { RCLONE_ASK_PASSWORD: "false" },
      ec: _OK,
      vlStderr: _VL_DEBUG,
      vlStdout: _VL_DEBUG,
    };
  }

  /**
   * Runs `rclone ARGS`; `what` says what palhm was doing, for the error
   * (`cannot list sftp-host:backups/`). Resolves false when `missingOk` and
   * rclone found no such path; rejects with a BackendError naming rclone's
   * last stderr lines, or with the abort reason.
   */
  async call(what: string, args: readonly string[], opts: CallOptions = {}): Promise<boolean> {
    // Calls under way when the run is stopped are stopped with it; a call made
    // after that is the run's cleanup (rolling a copy back) and runs to its end.
    const signals = [...(this.ctx.signal.aborted ? [] : [this.ctx.signal]), ...(opts.signal ? [opts.signal] : [])];
    const signal = AbortSignal.any(signals);
    try {
      await runPipeline([this.exec(args)], {
        signal,
        verbosity: this.ctx.verbosity,
        label: `rclone ${args[0]}`,
        stdin: opts.stdin,
        onChunk: opts.onChunk,
        stdout: "ignore",
      });
      return true;
    } catch (e) {
      if (!(e instanceof ExecError) || signal.aborted) throw e;
      if (opts.missingOk && e.exitStatus !== null && _MISSING.has(e.exitStatus)) return false;
      throw new BackendError(`${what}: ${rcloneSaid(e)}`, { cause: e });
    }
  }

  /** rclone's stdout as text, or null when `missingOk` and the path does not exist. */
  async output(what: string, args: readonly string[], opts: Omit<CallOptions, "onChunk"> = {}): Promise<string | null> {
    const chunks: Uint8Array[] = [];
    const found = await this.call(what, args, { ...opts, onChunk: (c) => void chunks.push(c) });
    return found ? new TextDecoder().decode(Buffer.concat(chunks)) : null;
  }
}

/**
 * What a failed rclone said: its last few stderr lines without their
 * timestamps (`rclone: Failed to create file system for "x:": ... connection
 * refused`), or how it ended when it said nothing (not installed, killed).
 */
export function rcloneSaid(e: ExecError): string {
  const tail = e.stderrTail;
  const lines = tail
    .split("\n")
    .map((l) => l.replace(_DATE, "").trim())
    .filter((l) => l !== "");
  if (lines.length === 0) return e.message;
  const how = e.exitStatus === null ? (e.signalName ? `killed by ${e.signalName}` : "failed") : `exit code ${e.exitStatus}`;
  return `rclone: ${lines.slice(-3).join("; ")} (${how})`;
}
