/**
 * The real CLI as a user runs it: `bun src/cli.ts ARGS` as a child process,
 * on a temp project whose palhm.config.ts (or JSON config) the test writes.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";

export const CLI = resolve(import.meta.dir, "../../src/cli.ts");

export interface CliResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** Default: this directory (no config is found there). */
  readonly cwd?: string;
  /** Added to the environment; `undefined` removes a variable. PALHM_CONFIG and NO_COLOR are removed unless given here. */
  readonly env?: Record<string, string | undefined>;
  /** argv put before `bun`, e.g. `["prlimit", "--fsize=1000000", "--"]`. */
  readonly wrap?: readonly string[];
  readonly detached?: boolean;
}

/** Additions to the environment that leave out the caller's AWS and palhm settings, so a run sees only what the test sets. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const k of Object.keys(process.env)) if (k.startsWith("AWS_") || k.startsWith("PALHM_")) env[k] = undefined;
  return { ...env, ...extra };
}

function _env(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = { ...process.env, PALHM_CONFIG: undefined, NO_COLOR: undefined, ...extra };
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<string, string>;
}

/** Starts `palhm ARGS` (stdout and stderr piped, no stdin). */
export function startPalhm(args: readonly string[], options: CliOptions = {}): Subprocess<"ignore", "pipe", "pipe"> {
  return Bun.spawn([...(options.wrap ?? []), "bun", CLI, ...args], {
    cwd: options.cwd ?? import.meta.dir,
    env: _env(options.env),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    detached: options.detached ?? false,
  });
}

/** Output and exit status of a started run, once it has ended. */
export async function finished(proc: Subprocess<"ignore", "pipe", "pipe">): Promise<CliResult> {
  const [stdout, stderr, status] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { status, stdout, stderr };
}

/** Runs `palhm ARGS` to the end. */
export async function palhm(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return finished(startPalhm(args, options));
}

/** A config error as a user sees it: exit 2, one short paragraph, no stack, nothing on stdout. */
export function expectConfigError(r: CliResult, expect: typeof import("bun:test").expect): void {
  expect(r.status).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr).toStartWith("palhm: ");
  expect(r.stderr.trimEnd().split("\n").length).toBe(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

/** palhm.config.ts source default-exporting `defineConfig(BODY)` (`body` is TS source). */
export function tsConfig(body: string): string {
  return `import { defineConfig } from "palhm";\nexport default defineConfig(${body});\n`;
}

export interface Project {
  readonly dir: string;
  /** The config file (`-f`). */
  readonly config: string;
  /** PALHM_LOCK_DIR of this project's runs. */
  readonly locks: string;
  /** Starts `palhm -f CONFIG ARGS` in the project, its locks inside it, no hooks directory, NO_COLOR=1. */
  start(args: readonly string[], options?: CliOptions): Subprocess<"ignore", "pipe", "pipe">;
  run(args: readonly string[], options?: CliOptions): Promise<CliResult>;
}

/** A project in `dir` whose config file `name` is `text` (default: a palhm.config.ts of `tsConfig(body)`). */
export function project(dir: string, body: string, name = "palhm.config.ts", text = tsConfig(body)): Project {
  mkdirSync(dir, { recursive: true });
  const config = join(dir, name);
  writeFileSync(config, text);
  return projectAt(dir, config);
}

/** A project whose config file the test wrote itself. */
export function projectAt(dir: string, config: string): Project {
  const locks = join(dir, "locks");
  const start = (args: readonly string[], options: CliOptions = {}) =>
    startPalhm(["-f", config, ...args], {
      ...options,
      cwd: options.cwd ?? dir,
      env: { PALHM_LOCK_DIR: locks, PALHM_HOOKS: join(dir, "no-hooks.d"), NO_COLOR: "1", ...options.env },
    });
  return { dir, config, locks, start, run: (args, options) => finished(start(args, options)) };
}
