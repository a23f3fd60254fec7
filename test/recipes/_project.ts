/**
 * A temp project for recipe tests: a palhm.config.ts importing "palhm" and
 * "palhm/recipes", a localfs backend root, an age key pair, and the real CLI
 * run on it (its own lock directory, no hooks directory).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { palhm, type CliResult } from "../_support/cli.ts";
import { useTempDirs } from "../_support/tmp.ts";
import { type TempDir } from "../_support/tmp.ts";
import { mustRun } from "../_support/servers/server.ts";

export interface RecipeProject {
  readonly dir: string;
  /** The backend root the configs write to. */
  readonly root: string;
  path(rel: string): string;
  /** Writes palhm.config.ts: the imports, then `body` (e.g. `export default defineConfig({...})`). */
  config(body: string): void;
  palhm(...args: string[]): Promise<CliResult>;
  /** The copies (prefix directories) under the root. */
  copies(): string[];
  /** An age identity file and its public key (made once per project). */
  ageKey(): Promise<{ identity: string; recipient: string }>;
}

/** A maker of recipe projects for one test file: each is removed after its test. */
export function useRecipeProjects(): () => RecipeProject {
  const make = useTempDirs();
  return () => _recipeProject(make());
}

function _recipeProject(p: TempDir): RecipeProject {
  const root = p.path("backups");
  let key: { identity: string; recipient: string } | undefined;
  return {
    dir: p.dir,
    root,
    path: p.path,
    config(body) {
      p.write({
        "palhm.config.ts": `import { defineConfig } from "palhm";\nimport { mysql, postgres, sqlite, files, zstd, xz, gzip, age, gpg } from "palhm/recipes";\n${body}\n`,
      });
    },
    palhm: (...args) =>
      palhm(["-f", p.path("palhm.config.ts"), ...args], { cwd: p.dir, env: { PALHM_LOCK_DIR: p.path("locks"), PALHM_HOOKS: p.path("no-hooks.d"), PALHM_IDENTITY: undefined } }),
    copies: () => (existsSync(root) ? readdirSync(root).filter((n) => !n.startsWith(".")).sort() : []),
    async ageKey() {
      if (!key) {
        const identity = p.path("age/key.txt");
        p.write({ "age/.keep": "" });
        await mustRun(["age-keygen", "-o", identity]);
        const recipient = /^# public key: (age1\w+)$/m.exec(readFileSync(identity, "utf8"))![1]!;
        key = { identity, recipient };
      }
      return key;
    },
  };
}

export interface FailedRun {
  readonly p: RecipeProject;
  /** `palhm -q run`: the failure with the program's held stderr. */
  readonly quiet: CliResult;
  /** `palhm run --json`: the failure as data. */
  readonly json: { ok: boolean; error: { code: string; message: string; stderrTail: string } };
}

/** Runs task `db` made of `objects` (TS source) and a plain object after them, twice: with -q and with --json. */
export async function failedRun(p: RecipeProject, objects: string): Promise<FailedRun> {
  p.config(`export default defineConfig({
  tasks: {
    db: { type: "backup", backend: { type: "localfs", root: ${JSON.stringify(p.root)} }, objects: [...${objects}, { path: "after", pipeline: [{ argv: ["echo", "x"] }] }] },
  },
});`);
  const quiet = await p.palhm("-q", "run", "db");
  const json = await p.palhm("run", "db", "--json");
  return { p, quiet, json: JSON.parse(json.stdout) };
}

/** The run failed (exit 1) naming `program`, with the program's own words in the failure, and left no copy. */
export function expectDumpFailure(expect: typeof import("bun:test").expect, r: FailedRun, program: string, said: string): void {
  expect(r.quiet.status).toBe(1);
  expect(r.quiet.stderr).toContain("`" + program);
  expect(r.quiet.stderr).toContain(`stderr of ${program} (last lines):`);
  expect(r.quiet.stderr).toContain(said);
  expect(r.json).toMatchObject({ ok: false, error: { code: "EEXEC" } });
  expect(r.json.error.stderrTail).toContain(said);
  expect(r.p.copies()).toEqual([]);
}
