/** Test fixtures for hooks: a temp hooks.d, executables, hook sets, a runner. */
import { chmodSync, writeFileSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import type { HookOp, HookState, ResolvedHookFn, ResolvedHooks } from "../../src/config/resolved.ts";
import type { HookFn } from "../../src/config/types.ts";
import { HookRunner, type HookRunnerOptions } from "../../src/hooks/runner.ts";
import { noHooks, recordingLog } from "../_support/context.ts";
import { tempDir } from "../_support/tmp.ts";

export const STATES: readonly HookState[] = ["pre", "inspect", "post", "error", "finally"];

export interface Sandbox {
  readonly root: string;
  /** The hooks directory (created mode 0755). */
  readonly hooksDir: string;
  /** A file every recording hook appends one line to. */
  readonly journal: string;
  lines(): string[];
  /** Writes an executable (mode 0755 unless given) into hooks.d. */
  script(name: string, body: string, mode?: number): string;
  cleanup(): void;
}

export function sandbox(): Sandbox {
  const dir = tempDir("hooks");
  const root = dir.dir;
  chmodSync(root, 0o755);
  const hooksDir = join(root, "hooks.d");
  Bun.spawnSync(["mkdir", "-m", "755", hooksDir]);
  const journal = join(root, "journal");
  return {
    root,
    hooksDir,
    journal,
    lines: () => (existsSync(journal) ? readFileSync(journal, "utf8").split("\n").filter(Boolean) : []),
    script(name, body, mode = 0o755) {
      const path = join(hooksDir, name);
      writeFileSync(path, body);
      chmodSync(path, mode);
      return path;
    },
    cleanup: () => dir.remove(),
  };
}

/** A POSIX sh hooks.d script that appends `NAME OP STATE` to $JOURNAL and then runs `tail`. */
export function recorder(name: string, tail = ""): string {
  return `#!/bin/sh\necho "${name} $1 $2" >> "$JOURNAL"\n${tail}\n`;
}


/** A hook set with `fns[op][state]` filled from a partial description. */
export function hooks(
  source: string,
  entries: Partial<Record<HookOp, Partial<Record<HookState, readonly (HookFn | Omit<ResolvedHookFn, "source">)[]>>>>,
): ResolvedHooks {
  const out = noHooks() as { [O in HookOp]: { [S in HookState]: ResolvedHookFn[] } };
  for (const op of ["backup", "restore"] as const) {
    for (const state of STATES) {
      out[op][state] = (entries[op]?.[state] ?? []).map((e) =>
        typeof e === "function" ? { name: e.name || "anonymous", source, run: e } : { ...e, source },
      );
    }
  }
  return out;
}

/** A TS hook that appends `NAME OP STATE` to the journal. */
export function tsRecorder(sb: Sandbox, name: string, then?: HookFn): HookFn {
  const fn: HookFn = async (ctx) => {
    writeFileSync(sb.journal, `${name} ${ctx.op} ${ctx.state}\n`, { flag: "a" });
    if (then) await then(ctx);
  };
  Object.defineProperty(fn, "name", { value: name });
  return fn;
}

export function runner(sb: Sandbox, options: Partial<HookRunnerOptions> = {}): HookRunner {
  return new HookRunner({
    op: "backup",
    taskId: "t1",
    global: noHooks(),
    task: noHooks(),
    hooksDir: sb.hooksDir,
    log: recordingLog().log,
    verbosity: 0, // keep test output clean; pass-through is tested through the CLI
    signal: new AbortController().signal,
    env: { ...process.env, JOURNAL: sb.journal },
    ...options,
  });
}
