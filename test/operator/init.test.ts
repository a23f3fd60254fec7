/**
 * `palhm init` with only the compiled binary: in an empty directory it writes
 * a starter config that the binary loads and that `tsc --noEmit` checks
 * there, with no checkout, node_modules or Bun around: the starter passes, a
 * misspelt exec id fails with tsc's "Did you mean" suggestion.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { tempDir } from "../_support/tmp.ts";
import { compiledBinary } from "../_support/binary.ts";

const TSC = resolve(import.meta.dir, "../../node_modules/.bin/tsc");
const p = tempDir();
const bin = p.path("bin/palhm");
afterAll(() => p.remove());

beforeAll(async () => {
  mkdirSync(p.path("bin"));
  copyFileSync(await compiledBinary(), bin);
  chmodSync(bin, 0o755);
}, 120_000);

async function run(argv: string[], cwd: string): Promise<{ status: number; out: string; err: string }> {
  const env = { PATH: "/usr/bin:/bin", HOME: cwd, PALHM_LOCK_DIR: p.path("locks"), PALHM_HOOKS: p.path("no-hooks.d") };
  const proc = Bun.spawn(argv, { cwd, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [status, out, err] = await Promise.all([proc.exited, new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  return { status, out, err };
}

describe("palhm init, with only the compiled binary", () => {
  const dir = p.path("etc-palhm");

  test("writes the starter config, a tsconfig.json and the declarations of \"palhm\" and \"palhm/recipes\" into an empty directory", async () => {
    mkdirSync(dir);
    const r = await run([bin, "init", dir], p.dir);
    expect(r.err).toBe("");
    expect(r.status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual([".palhm", "palhm.config.ts", "tsconfig.json"]);
    expect(readFileSync(join(dir, "palhm.config.ts"), "utf8")).toContain(`import { defineConfig } from "palhm";`);
    expect(existsSync(join(dir, ".palhm/types/palhm/index.d.ts"))).toBe(true);
    expect(readFileSync(join(dir, "palhm.config.ts"), "utf8")).toContain(`from "palhm/recipes";`);
    expect(Object.keys(JSON.parse(readFileSync(join(dir, "tsconfig.json"), "utf8")).compilerOptions.paths)).toEqual(["palhm", "palhm/recipes"]);
  });

  test("tsc --noEmit passes on the starter, there, with nothing else installed", async () => {
    const tsc = await run([TSC, "--noEmit", "-p", "."], dir);
    expect(tsc.out + tsc.err).toBe("");
    expect(tsc.status).toBe(0);
  });

  test("the binary loads and checks the starter it wrote", async () => {
    const config = await run([bin, "-f", join(dir, "palhm.config.ts"), "config", "--json"], dir);
    expect(config.status).toBe(0);
    expect(JSON.parse(config.out).tasks.backup).toMatchObject({ type: "backup", schedule: "*-*-* 03:30" });
  });

  test("tsc --noEmit fails on a misspelt exec id, suggesting the right one", async () => {
    const file = join(dir, "palhm.config.ts");
    const good = readFileSync(file, "utf8");
    writeFileSync(file, good.replace(`pipeline: ["packages", "zstd"]`, `pipeline: ["packages", "zstdd"]`));
    try {
      const tsc = await run([TSC, "--noEmit", "-p", "."], dir);
      expect(tsc.status).not.toBe(0);
      expect(tsc.out).toContain(`palhm.config.ts(`);
      expect(tsc.out).toContain(`Type '"zstdd"' is not assignable`);
      expect(tsc.out).toContain(`Did you mean '"zstd"'?`);
    } finally {
      writeFileSync(file, good);
    }
  });

  test("a tsconfig.json of the user's own is kept, with a warning saying how to map \"palhm\"", async () => {
    const own = p.path("own");
    mkdirSync(own);
    writeFileSync(join(own, "tsconfig.json"), `{ "compilerOptions": { "strict": true } }\n`);
    const r = await run([bin, "init", own], p.dir);
    expect(r.status).toBe(0);
    expect(readFileSync(join(own, "tsconfig.json"), "utf8")).toBe(`{ "compilerOptions": { "strict": true } }\n`);
    expect(r.err).toContain(`tsconfig.json does not map "palhm" to .palhm/types: add "paths": { "palhm": ["./.palhm/types/palhm/index.d.ts"] }`);
  });

  test("run again: the user's config and tsconfig.json are kept, the declarations rewritten", async () => {
    const file = join(dir, "palhm.config.ts");
    writeFileSync(file, readFileSync(file, "utf8") + "// mine\n");
    writeFileSync(join(dir, ".palhm/types/palhm/index.d.ts"), "garbage");
    const r = await run([bin, "init", dir], p.dir);
    expect(r.status).toBe(0);
    expect(r.err).toContain("palhm.config.ts exists: kept as it is");
    expect(readFileSync(file, "utf8")).toEndWith("// mine\n");
    expect(readFileSync(join(dir, ".palhm/types/palhm/index.d.ts"), "utf8")).toContain("defineConfig");
    const tsc = await run([TSC, "--noEmit", "-p", "."], dir);
    expect(tsc.status).toBe(0);
  });
});
