/**
 * The fault suite's fixtures: a temp project whose hooks journal every state,
 * the real CLI started with a unique token in its environment (inherited by
 * every process it starts, so /proc finds them all).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { finished, projectAt, type CliOptions, type CliResult, type Project } from "../_support/cli.ts";
import { withEnv } from "../_support/process.ts";
import { tempDir } from "../_support/tmp.ts";

export const q = JSON.stringify;

export interface FaultProject extends Project {
  /** Every hook appends `STATE` here. */
  readonly journal: string;
  /** Environment variable value every process of this project's runs carries. */
  readonly token: string;
  journalLines(): string[];
}

let _n = 0;

/** A temp directory removed by `dispose()`. */
export function scratch(label: string): { dir: string; next(): string; dispose(): void } {
  const dir = tempDir(`faults-${label}`);
  const dispose = () => {
    _killLeftovers();
    dir.remove();
  };
  return { dir: dir.dir, next: () => join(dir.dir, `p${++_n}`), dispose };
}

/** palhm runs started by tests, and their tokens: a test that fails before it signals or awaits its run must not leave it running. */
const _started: { proc: Subprocess; token: string }[] = [];

function _killLeftovers(): void {
  for (const { proc, token } of _started.splice(0)) {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
    for (const pid of marked(token)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
}

/**
 * A project whose config has `tasks` (TS source of the `tasks` object) and
 * global hooks recording every backup and restore state to the journal.
 */
export function faultProject(dir: string, tasks: string): FaultProject {
  mkdirSync(dir, { recursive: true });
  const journal = join(dir, "journal");
  const config = join(dir, "palhm.config.ts");
  const rec = `(ctx: any) => { appendFileSync(${q(journal)}, \`\${ctx.op} \${ctx.state}\\n\`); }`;
  writeFileSync(
    config,
    `import { defineConfig } from "palhm";
import { appendFileSync } from "node:fs";
const rec = ${rec};
const all = { pre: rec, inspect: rec, post: rec, error: rec, finally: rec };
export default defineConfig({
  hooks: { backup: all, restore: all },
  tasks: ${tasks},
});
`,
  );
  const token = `palhm-fault-${process.pid}-${++_n}-${Math.random().toString(36).slice(2)}`;
  return {
    ...projectAt(dir, config), journal, token,
    journalLines: () => (existsSync(journal) ? readFileSync(journal, "utf8").trim().split("\n") : []),
  };
}

/** Starts `palhm ARGS` on the project (stdout and stderr piped), its processes marked with the project's token. */
export function startPalhm(p: FaultProject, args: readonly string[], opts: CliOptions = {}): Subprocess<"ignore", "pipe", "pipe"> {
  const proc = p.start(args, { ...opts, env: { PALHM_FAULT_TOKEN: p.token, ...opts.env } });
  _started.push({ proc, token: p.token });
  return proc;
}

export async function runPalhm(p: FaultProject, args: readonly string[], opts: CliOptions = {}): Promise<CliResult> {
  return finished(startPalhm(p, args, opts));
}

/** Live (non-zombie) processes carrying the project's token: palhm and everything it started. */
export function marked(token: string): number[] {
  return withEnv("PALHM_FAULT_TOKEN", token);
}

/**
 * Waits up to `ms` for every process carrying `token` to end (no event tells
 * when an orphan dies: /proc is polled); returns those still alive then.
 */
/**
 * The marked processes once there are at least `n` (or whatever is there at the deadline). A process in the
 * middle of execve() shows an empty /proc/PID/environ for a moment, so one look is not enough.
 */
export async function markedAtLeast(token: string, n: number, ms: number): Promise<number[]> {
  const deadline = performance.now() + ms;
  for (;;) {
    const found = marked(token);
    if (found.length >= n || performance.now() > deadline) return found;
    await Bun.sleep(20);
  }
}

export async function survivors(token: string, ms: number): Promise<number[]> {
  const deadline = performance.now() + ms;
  for (;;) {
    const left = marked(token);
    if (left.length === 0 || performance.now() > deadline) return left;
    await Bun.sleep(20);
  }
}
