/** Runs the real CLI as a child process. */
import { join } from "node:path";

export const CLI = join(import.meta.dir, "../../src/cli.ts");

export interface CliResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function palhm(args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<CliResult> {
  const env: Record<string, string | undefined> = { ...process.env, PALHM_CONFIG: undefined, NO_COLOR: undefined, ...options.env };
  const proc = Bun.spawn(["bun", CLI, ...args], {
    cwd: options.cwd ?? import.meta.dir,
    env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<string, string>,
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, status] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { status, stdout, stderr };
}

/** A config error as a user sees it: exit 2, one short paragraph, no stack, nothing on stdout. */
export function expectConfigError(r: CliResult, expect: typeof import("bun:test").expect): void {
  expect(r.status).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr).toStartWith("palhm: ");
  expect(r.stderr.trimEnd().split("\n").length).toBe(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
}
