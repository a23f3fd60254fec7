/**
 * Hostile and broken configs, through the real CLI. Every file in
 * bad-configs/ is one case: its `// expect:` lines are what stderr must say
 * (the location of the fault), `// task:` the task to run (default backup),
 * `// env: NAME=VALUE` an environment variable to run it with.
 * `@ROOT@` in a case stands for a backend root that must never be created.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { palhm, type CliResult } from "../_support/cli.ts";
import { tempDir, type TempDir } from "../_support/tmp.ts";
import { prefixOf } from "../../src/backup/prefix.ts";

const CORPUS = join(import.meta.dir, "bad-configs");
/** CLI starts are ~150 ms each; a few at a time keeps 2 cores busy without starving them. */
const BATCH = 4;

interface Case {
  readonly file: string;
  readonly task: string;
  readonly expects: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

function _cases(): Case[] {
  return readdirSync(CORPUS)
    .filter((f) => !f.startsWith("_"))
    .sort()
    .map((file) => {
      const text = readFileSync(join(CORPUS, file), "utf8");
      const meta = (key: string) => [...text.matchAll(new RegExp(`^// ${key}: (.*)$`, "gm"))].map((m) => m[1]!);
      const env = Object.fromEntries(meta("env").map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
      return { file, task: meta("task")[0] ?? "backup", expects: meta("expect"), env };
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
async function _runCase(c: Case, project: TempDir): Promise<Outcome> {
  const dir = join(project.dir, c.file.replace(/\W/g, "_"));
  const placed = readdirSync(CORPUS).filter((f) => f === c.file || f.startsWith("_"));
  mkdirSync(join(dir, "locks"), { recursive: true });
  for (const f of placed) {
    writeFileSync(join(dir, f), readFileSync(join(CORPUS, f), "utf8").replaceAll("@ROOT@", join(dir, "backups")));
  }
  const env = { PALHM_LOCK_DIR: join(dir, "locks"), PALHM_HOOKS: join(dir, "hooks.d"), ...c.env };
  const run = await palhm(["-f", c.file, "run", c.task], { cwd: dir, env });
  const config = await palhm(["-f", c.file, "config"], { cwd: dir, env });
  const leftovers = readdirSync(dir).filter((f) => !placed.includes(f) && f !== "locks");
  return { run, config, leftovers, locks: readdirSync(join(dir, "locks")) };
}

function _expectUserError(r: CliResult, c: Case): void {
  expect(r.status).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr).toStartWith("palhm: ");
  expect(r.stderr).not.toContain("internal error");
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr.trimEnd().split("\n").length).toBeLessThanOrEqual(3);
  for (const e of c.expects) expect(r.stderr).toContain(e);
}

describe("bad configs (bad-configs/*)", () => {
  const cases = _cases();
  const outcomes = new Map<string, Outcome>();
  let project: TempDir;

  beforeAll(async () => {
    project = tempDir();
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

describe("check and --dry-run refuse what run would", () => {
  test("NUL in a backend root, an argument or an environment value: palhm check and run --dry-run exit 2 too", async () => {
    const project = tempDir();
    try {
      for (const file of ["59-ts-root-nul.ts", "60-argv-nul.json", "61-env-nul.json"]) {
        const c = _cases().find((x) => x.file === file)!;
        project.write({ [file]: readFileSync(join(CORPUS, file), "utf8").replaceAll("@ROOT@", project.path("backups")) });
        const env = { PALHM_LOCK_DIR: project.path("locks"), PALHM_HOOKS: project.path("hooks.d") };
        for (const args of [["check"], ["run", "--dry-run", "backup"]]) {
          _expectUserError(await palhm(["-f", file, ...args], { cwd: project.dir, env }), c);
        }
      }
      expect(readdirSync(project.dir).filter((f) => f === "backups" || f === "locks")).toEqual([]);
    } finally {
      project.remove();
    }
  });
});

describe("a config nested absurdly deep", () => {
  test("JSON nested a million levels: exit 2 naming the file, no stack overflow reported as a bug", async () => {
    const p = tempDir();
    try {
      p.write({ "deep.json": `{ "execs": ${"[".repeat(1_000_000)}${"]".repeat(1_000_000)} }` });
      const env = { PALHM_LOCK_DIR: p.path("locks"), PALHM_HOOKS: p.path("hooks.d") };
      for (const args of [["config"], ["run", "backup"]]) {
        const r = await palhm(["-f", "deep.json", ...args], { cwd: p.dir, env });
        _expectUserError(r, { file: "deep.json", task: "backup", expects: [`${p.path("deep.json")}: syntax error at line 1`, "nested more than 256 levels deep"], env: {} });
      }
    } finally {
      p.remove();
    }
  });
});

/** A project whose backend root holds links an attacker planted towards `outside`, a directory with a file in it. */
function _plantedRoot() {
  const p = tempDir();
  const root = p.path("backups");
  const outside = p.path("outside");
  mkdirSync(root);
  mkdirSync(outside);
  writeFileSync(join(outside, "precious"), "keep me");
  const outsideState = () => readdirSync(outside).map((f) => `${f}:${readFileSync(join(outside, f), "utf8")}`);
  const config = (objects: string, extra = "") =>
    p.write({
      "palhm.config.ts": `export default {
  workers: 1,
  tasks: { backup: { type: "backup", backend: { type: "localfs", root: ${JSON.stringify(root)}${extra} }, ${objects} } },
};`,
    });
  const run = () => palhm(["-f", "palhm.config.ts", "run", "backup"], { cwd: p.dir, env: { PALHM_LOCK_DIR: p.path("locks"), PALHM_HOOKS: p.path("hooks.d") } });
  return { p, root, outside, outsideState, config, run };
}

describe("object paths cannot escape the copy through links planted in the backend root", () => {
  test("a link planted mid-run where a sub-directory of an object path goes: the run fails, nothing lands outside, the copy is rolled back", async () => {
    const t = _plantedRoot();
    try {
      // The first group plants ROOT/PREFIX/db -> outside while the copy is being written; the second writes db/dump.sql.
      t.config(`
        objectGroups: [{ id: "attacker" }, { id: "dump", depends: ["attacker"] }],
        objects: [
          { path: "planted", group: "attacker", pipeline: [{ argv: ["sh", "-c", 'for copy in "$1"/*/; do ln -s "$0" "$copy"db; done', ${JSON.stringify(t.outside)}, ${JSON.stringify(t.root)}] }] },
          { path: "db/dump.sql", group: "dump", pipeline: [{ argv: ["printf", "stolen"] }] },
        ]`);
      const r = await t.run();
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("is not a directory (symlinks are not followed)");
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(t.outsideState()).toEqual(["precious:keep me"]);
      expect(readdirSync(t.root)).toEqual([]);
    } finally {
      t.p.remove();
    }
  });

  test("prefixes pre-created as links: palhm never writes through them, fails after its retries, and removes nothing", async () => {
    const t = _plantedRoot();
    try {
      const now = Date.now();
      const planted = Array.from({ length: 12 }, (_, i) => prefixOf(new Date(now + i * 1000)));
      for (const name of planted) symlinkSync(t.outside, join(t.root, name));
      t.config(`objects: [{ path: "x", pipeline: [{ argv: ["printf", "stolen"] }] }]`, ", nbCopyLimit: 1");
      const r = await t.run();
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("already exists");
      expect(t.outsideState()).toEqual(["precious:keep me"]);
      expect(readdirSync(t.root).sort()).toEqual([...planted].sort());
      for (const name of planted) expect(readlinkSync(join(t.root, name))).toBe(t.outside);
    } finally {
      t.p.remove();
    }
  }, 30_000);

  test("a link named like an old copy is not a copy: rotation never removes through it", async () => {
    const t = _plantedRoot();
    try {
      const old = "2001-01-01T00:00:00+00:00";
      symlinkSync(t.outside, join(t.root, old));
      t.config(`objects: [{ path: "x", pipeline: [{ argv: ["printf", "data"] }] }]`, ", nbCopyLimit: 1, rootSizeLimit: 1");
      for (let i = 0; i < 2; i++) expect((await t.run()).status).toBe(0);
      expect(t.outsideState()).toEqual(["precious:keep me"]);
      const names = readdirSync(t.root).sort();
      expect(names.length).toBe(2);
      expect(names[0]).toBe(old);
      expect(lstatSync(join(t.root, old)).isSymbolicLink()).toBe(true);
      expect(readFileSync(join(t.root, names[1]!, "x"), "utf8")).toBe("data");
    } finally {
      t.p.remove();
    }
  }, 30_000);
});
