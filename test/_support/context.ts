/**
 * In-process tests of the engine: resolved configs built directly (the loader
 * is tested on its own), a logger that records what it is told, a RunContext.
 */
import { createConsola, type ConsolaInstance } from "consola";
import type { ResolvedConfig, ResolvedExec, ResolvedHooks, ResolvedStep, ResolvedTask } from "../../src/config/resolved.ts";
import { parseEc } from "../../src/exec/ec.ts";
import { ExecError } from "../../src/errors.ts";
import type { RunContext } from "../../src/run/context.ts";
import { Interrupts } from "../../src/run/interrupt.ts";

export interface LogLine {
  readonly type: string;
  readonly text: string;
}

/** A quiet logger (debug and up) that records what it was told. */
export function recordingLog(lines: LogLine[] = []): { log: ConsolaInstance; lines: LogLine[] } {
  const log = createConsola({ level: 5, reporters: [{ log: (o) => void lines.push({ type: o.type, text: o.args.map(String).join(" ") }) }] });
  return { log, lines };
}

export interface ExecOptions {
  readonly ec?: string;
  readonly env?: Record<string, string>;
  readonly vlStderr?: number;
  readonly vlStdout?: number;
  readonly id?: string;
}

/** A ResolvedExec as the loader would build it (stderr shown from verbosity 1, stdout from 3). */
export function ex(argv: string[], over: ExecOptions = {}): ResolvedExec {
  return {
    id: over.id,
    argv,
    env: over.env ?? {},
    ec: parseEc(over.ec ?? "==0"),
    vlStderr: over.vlStderr ?? 1,
    vlStdout: over.vlStdout ?? 3,
  };
}

/** `sh -c SCRIPT [ARGS]` as a ResolvedExec (the test's own helper program, not palhm's). */
export const sh = (script: string, over: ExecOptions = {}, ...args: string[]): ResolvedExec => ex(["sh", "-c", script, ...args], over);

/** A routine step running `sh -c SCRIPT`. */
export const shStep = (script: string): ResolvedStep => ({ kind: "exec", exec: sh(script) });

export function routine(id: string, steps: ResolvedStep[]): ResolvedTask {
  return { type: "routine", id, steps };
}

const _states = () => ({ pre: [], inspect: [], post: [], error: [], finally: [] });

/** Hooks with nothing in any state. */
export const noHooks = (): ResolvedHooks => ({ backup: _states(), restore: _states() });

export interface ConfigOptions {
  readonly workers?: number;
  readonly verbosity?: number;
  readonly hooks?: ResolvedHooks;
}

/** A ResolvedConfig of `tasks` (no sources, no hooks directory). */
export function resolvedConfig(tasks: ResolvedTask[], opts: ConfigOptions = {}): ResolvedConfig {
  return {
    sources: [],
    workers: opts.workers ?? 1,
    verbosity: opts.verbosity ?? 1,
    execs: new Map(),
    tasks: new Map(tasks.map((t) => [t.id, t])),
    hooks: opts.hooks ?? noHooks(),
    hooksDir: "/nonexistent/palhm-hooks.d",
  };
}

export interface ContextOptions {
  readonly signal?: AbortSignal;
  /** Real interrupt handling (its signal aborts the run); the process is never exited. */
  readonly interrupts?: boolean;
}

/** A RunContext over `config` with a recording logger. */
export function runContext(config: ResolvedConfig, opts: ContextOptions = {}): RunContext & { lines: LogLine[]; interrupts?: Interrupts } {
  const { log, lines } = recordingLog();
  const interrupts = opts.interrupts ? new Interrupts({ log, forceExit: () => {} }) : undefined;
  const signal = interrupts?.signal ?? opts.signal ?? new AbortController().signal;
  return { config, log, verbosity: config.verbosity, signal, interrupts, lines };
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
