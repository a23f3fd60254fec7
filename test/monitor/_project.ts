/** A temp project for the monitoring tests: a config file, a backend root and a status directory, driven through the real CLI. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { palhm, type CliResult } from "../_support/cli.ts";

export interface Project {
  readonly dir: string;
  readonly root: string;
  readonly statusDir: string;
  readonly textfile: string;
  run(args: string[], env?: Record<string, string | undefined>): Promise<CliResult>;
}

/**
 * `body` is the TS source of the object passed to defineConfig; it may use the
 * names ROOT, STATUS_DIR and TEXTFILE, and read process.env (the tests vary
 * thresholds and failures through it).
 */
export function project(body: string): Project {
  const dir = mkdtempSync(join(tmpdir(), "palhm-monitor-"));
  const root = join(dir, "backups");
  const statusDir = join(dir, "status");
  const textfile = join(dir, "metrics", "palhm.prom");
  const file = join(dir, "palhm.config.ts");
  writeFileSync(
    file,
    `import { defineConfig } from "palhm";\n` +
      `const ROOT = ${JSON.stringify(root)}, STATUS_DIR = ${JSON.stringify(statusDir)}, TEXTFILE = ${JSON.stringify(textfile)};\n` +
      `export default defineConfig(${body});\n`,
  );
  return {
    dir, root, statusDir, textfile,
    run: (args, env = {}) => palhm(["-f", file, ...args], { env: { PALHM_HOOKS: join(dir, "no-hooks"), ...env } }),
  };
}
