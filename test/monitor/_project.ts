/** A temp project for the monitoring tests: a config file, a backend root and a status directory, driven through the real CLI. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { projectAt, type CliResult } from "../_support/cli.ts";
import { fileTempDir } from "../_support/tmp.ts";

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
 * thresholds and failures through it). Call it at the top of a test file: the
 * project is removed after the file's tests.
 */
export function project(body: string): Project {
  const dir = fileTempDir("monitor");
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
  const p = projectAt(dir, file);
  return { dir, root, statusDir, textfile, run: (args, env = {}) => p.run(args, { env }) };
}
