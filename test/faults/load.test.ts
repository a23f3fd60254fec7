/**
 * Load, in-process through the library API: a backup of 500 objects with
 * 2 workers and a routine of 200 steps leave no file descriptor open and no
 * child unreaped in the process that ran them.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load.ts";
import type { ResolvedBackupTask, ResolvedConfig, ResolvedRoutineTask } from "../../src/config/resolved.ts";
import { runBackup } from "../../src/backup/run.ts";
import { runRoutine } from "../../src/routine/run.ts";
import type { RunContext } from "../../src/run/context.ts";
import { recordingLog } from "../_support/context.ts";
import { tempDir, type TempDir } from "../_support/tmp.ts";
import { openFds, zombieChildren } from "../_support/process.ts";

const OBJECTS = 500;
const STEPS = 200;

/** A config with a backup task of `objects` tiny objects (in a few groups, some in sub-directories) and a routine of `steps` steps. */
function _config(root: string, objects: number, steps: number): string {
  const objs = Array.from({ length: objects }, (_, i) => ({
    path: i % 3 === 0 ? `d${i % 7}/o${i}` : `o${i}`,
    group: i < objects / 2 ? "first" : "second",
    pipeline: i % 5 === 0 ? ["x", "cat"] : ["x"],
  }));
  return `export default {
  workers: 2,
  execs: { x: { argv: ["printf", "x"] }, cat: { argv: ["cat"] }, ok: { argv: ["true"] } },
  tasks: {
    load: { type: "backup", backend: { type: "localfs", root: ${JSON.stringify(root)} },
      objectGroups: [{ id: "first" }, { id: "second", depends: ["first"] }],
      objects: ${JSON.stringify(objs)} },
    steps: { type: "routine", steps: ${JSON.stringify(Array.from({ length: steps }, (_, i) => (i % 4 === 3 ? { exec: "ok", argv: [] } : "ok")))} },
  },
};`;
}

/** Runs `fn` and checks what the process holds before and after it: the same fds, no zombie child. */
async function _withoutLeaks<T>(what: string, count: number, fn: () => Promise<T>): Promise<T> {
  const before = openFds();
  const t0 = performance.now();
  const result = await fn();
  const ms = performance.now() - t0;
  // A child's stderr socket is closed by Bun shortly after its stream ends (one from before may close
  // meanwhile too): poll, with a deadline, until no fd is open that was not open before.
  const leaked = () => openFds().filter((fd) => !before.includes(fd));
  let extra = leaked();
  for (const deadline = Date.now() + 5000; extra.length && Date.now() < deadline; extra = leaked()) await Bun.sleep(20);
  const after = openFds();
  expect(zombieChildren()).toEqual([]);
  expect(extra).toEqual([]);
  console.log(`load: ${what}: ${Math.round(ms)} ms (${(ms / count).toFixed(1)} ms each); fds ${before.length} before, ${after.length} after`);
  return result;
}

describe(`load: ${OBJECTS} objects with 2 workers, a routine of ${STEPS} steps`, () => {
  let p: TempDir;
  let config: ResolvedConfig;
  let ctx: RunContext;
  const root = () => p.path("backups");

  beforeAll(async () => {
    p = tempDir();
    p.write({ "palhm.config.ts": _config(p.path("backups"), OBJECTS, STEPS) });
    config = await loadConfig({ file: p.path("palhm.config.ts"), env: { PALHM_HOOKS: p.path("hooks.d") } });
    ctx = { config, log: recordingLog().log, verbosity: 0, signal: new AbortController().signal };
    // One small run of each first: what is opened once for the life of the process (a library, a pipe Bun keeps) is not a leak.
    await runBackup({ ...(config.tasks.get("load") as ResolvedBackupTask), objects: (config.tasks.get("load") as ResolvedBackupTask).objects.slice(0, 4) }, ctx);
    await runRoutine({ ...(config.tasks.get("steps") as ResolvedRoutineTask), steps: (config.tasks.get("steps") as ResolvedRoutineTask).steps.slice(0, 4) }, ctx);
  });
  afterAll(() => p?.remove());

  test("the backup completes every object, and leaves no fd open and no zombie", async () => {
    const task = config.tasks.get("load") as ResolvedBackupTask;
    expect(config.workers).toBe(2);
    const result = await _withoutLeaks(`${OBJECTS} objects, 2 workers`, OBJECTS, () => runBackup(task, ctx));
    expect(result.objects.length).toBe(OBJECTS);
    const copy = join(root(), result.prefix);
    const manifest = JSON.parse(readFileSync(join(copy, ".palhm-manifest.json"), "utf8"));
    expect(manifest.objects.length).toBe(OBJECTS);
    for (const o of task.objects) expect(readFileSync(join(copy, o.path), "utf8")).toBe("x");
  }, 60_000);

  test("the routine runs every step, and leaves no fd open and no zombie", async () => {
    const task = config.tasks.get("steps") as ResolvedRoutineTask;
    const result = await _withoutLeaks(`routine of ${STEPS} steps`, STEPS, () => runRoutine(task, ctx));
    expect(result.steps.map((s) => s.index)).toEqual(Array.from({ length: STEPS }, (_, i) => i));
    expect(readdirSync(root()).length).toBe(2);
  }, 60_000);
});
