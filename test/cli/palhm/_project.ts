/** A PALHM user's setup in a temp directory: JSON configs, stand-in programs, and the real CLI run on them. */
import { chmodSync } from "node:fs";
import { tempDir, useRemovedAfterEach, type TempDir } from "../../_support/tmp.ts";
import { palhm, type CliResult } from "../../_support/cli.ts";

export interface PalhmProject extends TempDir {
  /** Writes an executable `#!/bin/sh` script and returns its path. */
  script(rel: string, body: string): string;
  /** Runs the real CLI in the project directory, with locks and hooks kept inside it. */
  run(args: string[], env?: Record<string, string | undefined>): Promise<CliResult>;
}

function _project(): PalhmProject {
  const p = tempDir();
  return {
    ...p,
    script(rel, body) {
      const file = p.write({ [rel]: `#!/bin/sh\n${body}\n` });
      chmodSync(file, 0o755);
      return file;
    },
    run: (args, env = {}) =>
      palhm(args, { cwd: p.dir, env: { PALHM_LOCK_DIR: p.path(".locks"), PALHM_HOOKS: p.path(".no-hooks"), NO_COLOR: "1", ...env } }),
  };
}

/** A `project()` maker for one test file: every project is removed after each test. */
export function usePalhmProjects(): () => PalhmProject {
  return useRemovedAfterEach(_project);
}
