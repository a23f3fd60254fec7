/** Builders of resolved configs for runner tests (the loader is tested on its own). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ResolvedConfig, ResolvedExec, ResolvedHooks, ResolvedStep, ResolvedTask } from "../../../src/config/resolved.ts";
import { createConsola } from "consola";
import type { RunContext } from "../../../src/run/context.ts";
import { Interrupts } from "../../../src/run/interrupt.ts";

export function exec(...argv: string[]): ResolvedExec {
  return { argv, env: {}, ec: { min: 0, max: 0, text: "==0" }, vlStderr: 1, vlStdout: 3 };
}

/** A step running `sh -c SCRIPT` (the test's own helper program, not palhm's). */
export function sh(script: string): ResolvedStep {
  return { kind: "exec", exec: exec("sh", "-c", script) };
}

export const noHooks: ResolvedHooks = {
  backup: { pre: [], inspect: [], post: [], error: [], finally: [] },
  restore: { pre: [], inspect: [], post: [], error: [], finally: [] },
};

export function routine(id: string, steps: ResolvedStep[]): ResolvedTask {
  return { type: "routine", id, steps };
}

export function config(tasks: ResolvedTask[], verbosity = 1): ResolvedConfig {
  return {
    sources: [],
    workers: 1,
    verbosity,
    execs: new Map(),
    tasks: new Map(tasks.map((t) => [t.id, t])),
    hooks: noHooks,
    hooksDir: "/nonexistent",
  };
}

/** A logger that records what it is given (debug and up). */
export function memoryLog() {
  const lines: string[] = [];
  const log = createConsola({ level: 5, reporters: [{ log: (o) => lines.push(`${o.type}: ${o.args.join(" ")}`) }] });
  return { log, lines };
}

export function context(cfg: ResolvedConfig, withInterrupts = false): RunContext & { lines: string[]; interrupts?: Interrupts } {
  const { log, lines } = memoryLog();
  const interrupts = withInterrupts ? new Interrupts({ log, forceExit: () => {} }) : undefined;
  return { config: cfg, log, verbosity: cfg.verbosity, signal: interrupts?.signal ?? new AbortController().signal, interrupts, lines };
}

export function tempDir(): { dir: string; [Symbol.dispose](): void } {
  const dir = mkdtempSync(join(tmpdir(), "palhm-test-run-"));
  return { dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}
