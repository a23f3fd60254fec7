/**
 * Hostile and broken configs, through the real CLI. Every file in
 * bad-configs/ is one case: its `// expect:` lines are what stderr must say
 * (the location of the fault), `// task:` the task to run (default backup).
 * `@ROOT@` in a case stands for a backend root that must never be created.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { palhm, type CliResult } from "../cli/_cli.ts";
import { tempProject, type TempProject } from "../config/_fixture.ts";

const CORPUS = join(import.meta.dir, "bad-configs");
/** CLI starts are ~150 ms each; a few at a time keeps 2 cores busy without starving them. */
const BATCH = 4;

interface Case {
  readonly file: string;
  readonly task: string;
  readonly expects: readonly string[];
}

function _cases(): Case[] {
  return readdirSync(CORPUS)
    .filter((f) => !f.startsWith("_"))
    .sort()
    .map((file) => {
      const text = readFileSync(join(CORPUS, file), "utf8");
      const meta = (key: string) => [...text.matchAll(new RegExp(`^// ${key}: (.*)$`, "gm"))].map((m) => m[1]!);
      return { file, task: meta("task")[0] ?? "backup", expects: meta("expect") };
    });
}

interface Outcome {
  readonly run: CliResult;
  readonly config: CliResult;
  /** What the case's directory holds afterwards, besides the config files. */
  readonly leftovers: string[];
  readonly locks: string[];
}

/** Runs one case in its own directory: the case file and the shared `_` files, `@ROOT@` filled in. */
async function _runCase(c: Case, project: TempProject): Promise<Outcome> {
  const dir = join(project.dir, c.file.replace(/\W/g, "_"));
  const placed = readdirSync(CORPUS).filter((f) => f === c.file || f.startsWith("_"));
  mkdirSync(join(dir, "locks"), { recursive: true });
  for (const f of placed) {
    writeFileSync(join(dir, f), readFileSync(join(CORPUS, f), "utf8").replaceAll("@ROOT@", join(dir, "backups")));
  }
  const env = { PALHM_LOCK_DIR: join(dir, "locks"), PALHM_HOOKS: join(dir, "hooks.d") };
  const run = await palhm(["-f", c.file, "run", c.task], { cwd: dir, env });
  const config = await palhm(["-f", c.file, "config"], { cwd: dir, env });
  const leftovers = readdirSync(dir).filter((f) => !placed.includes(f) && f !== "locks");
  return { run, config, leftovers, locks: readdirSync(join(dir, "locks")) };
}

function _expectUserError(r: CliResult, c: Case): void {
  expect(r.status).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr).toStartWith("palhm: ");
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr.trimEnd().split("\n").length).toBeLessThanOrEqual(3);
  for (const e of c.expects) expect(r.stderr).toContain(e);
}

describe("bad configs (bad-configs/*)", () => {
  const cases = _cases();
  const outcomes = new Map<string, Outcome>();
  let project: TempProject;

  beforeAll(async () => {
    project = tempProject();
    for (let i = 0; i < cases.length; i += BATCH) {
      const batch = cases.slice(i, i + BATCH);
      const done = await Promise.all(batch.map((c) => _runCase(c, project)));
      batch.forEach((c, j) => outcomes.set(c.file, done[j]!));
    }
  }, 120_000);
  afterAll(() => project?.remove());

  test("the corpus holds at least 30 cases, JSON and TS, each saying what it expects", () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(cases.filter((c) => /\.jsonc?$/.test(c.file)).length).toBeGreaterThanOrEqual(15);
    expect(cases.filter((c) => c.file.endsWith(".ts")).length).toBeGreaterThanOrEqual(10);
    for (const c of cases) expect({ file: c.file, expects: c.expects.length > 0 }).toEqual({ file: c.file, expects: true });
  });

  for (const c of cases) {
    test(`${c.file}: run and config exit 2 with one short paragraph naming the fault, nothing written`, () => {
      const o = outcomes.get(c.file)!;
      _expectUserError(o.run, c);
      _expectUserError(o.config, c);
      expect(o.leftovers).toEqual([]);
      expect(o.locks).toEqual([]);
    });
  }
});
