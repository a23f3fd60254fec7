import { describe, expect, test } from "bun:test";
import { hostname } from "node:os";
import { loadConfig, locateConfig } from "../../src/config/load.ts";
import { ConfigError } from "../../src/errors.ts";
import { errorOf } from "../_support/tmp.ts";
import { useTempDirs } from "../_support/tmp.ts";

const project = useTempDirs();

const CONFIG = (workers: number) => `import { defineConfig } from "palhm";
export default defineConfig({ workers: ${workers}, execs: { cat: { argv: ["cat"] } } });
`;

describe("lookup order", () => {
  test("-f wins over $PALHM_CONFIG, which wins over ./palhm.config.ts", async () => {
    const p = project();
    p.write({ "palhm.config.ts": CONFIG(1), "env.config.ts": CONFIG(2), "given.config.ts": CONFIG(3) });
    const env = { PALHM_CONFIG: p.path("env.config.ts") };
    expect((await loadConfig({ cwd: p.dir, env, file: "given.config.ts" })).workers).toBe(3);
    expect((await loadConfig({ cwd: p.dir, env })).workers).toBe(2);
    expect((await loadConfig({ cwd: p.dir, env: {} })).workers).toBe(1);
    expect((await loadConfig({ cwd: p.dir, env: {} })).sources).toEqual([p.path("palhm.config.ts")]);
  });

  test("a missing file given by -f or $PALHM_CONFIG is an error naming it", async () => {
    const p = project();
    const e = await errorOf(() => loadConfig({ cwd: p.dir, env: {}, file: "nope.ts" }));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toContain(p.path("nope.ts"));
    expect(e.message).toContain("not found");
    const e2 = await errorOf(() => loadConfig({ cwd: p.dir, env: { PALHM_CONFIG: "/nonexistent/x.ts" } }));
    expect(e2.message).toContain("/nonexistent/x.ts");
    expect(e2.message).toContain("$PALHM_CONFIG");
  });

  test("with no file anywhere, the error lists where palhm looked", async () => {
    const p = project();
    const e = await errorOf(() => locateConfig({ cwd: p.dir, env: {} }));
    // /etc/palhm/palhm.config.ts is the last resort: only assert when the host has none.
    if (!(await Bun.file("/etc/palhm/palhm.config.ts").exists())) {
      expect(e.message).toContain(p.path("palhm.config.ts"));
      expect(e.message).toContain("/etc/palhm/palhm.config.ts");
    }
  });
});

describe("TS/JS configs", () => {
  test('a config outside the repository imports "palhm" with no node_modules next to it', async () => {
    const p = project();
    const file = p.write({ "etc/palhm.config.ts": CONFIG(4) });
    expect((await loadConfig({ file, env: {} })).execs.get("cat")!.argv).toEqual(["cat"]);
  });

  test("the default export may be a promise or a function of { env, hostname }", async () => {
    const p = project();
    p.write({
      "promise.ts": `export default Promise.resolve({ workers: 5 });`,
      "fn.mjs": `export default async ({ env, hostname }) => ({ hooksDir: env.HOOKS + "/" + hostname });`,
    });
    expect((await loadConfig({ file: p.path("promise.ts"), env: {} })).workers).toBe(5);
    expect((await loadConfig({ file: p.path("fn.mjs"), env: { HOOKS: "/h" } })).hooksDir).toBe(`/h/${hostname()}`);
  });

  test("a syntax error names the file and line, without a stack", async () => {
    const p = project();
    const file = p.write({ "bad.config.ts": `import { defineConfig } from "palhm";\nexport default defineConfig({\n  workers: 2,,\n});\n` });
    const e = await errorOf(() => loadConfig({ file, env: {} }));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toContain(`${file}:3:`);
    expect(e.message).not.toContain("\n    at ");
  });

  test("a config that throws, or exports nothing, is a config error", async () => {
    const p = project();
    p.write({ "throws.ts": `export default () => { throw new Error("no secret file"); };`, "empty.ts": `export const x = 1;` });
    expect((await errorOf(() => loadConfig({ file: p.path("throws.ts"), env: {} }))).message).toContain("no secret file");
    expect((await errorOf(() => loadConfig({ file: p.path("empty.ts"), env: {} }))).message).toContain("default export");
  });

  test("validation errors name the file and the path", async () => {
    const p = project();
    const file = p.write({
      "palhm.config.ts": `export default { execs: { tar: { argv: ["tar"] } }, tasks: { backup: { type: "backup", backend: { type: "null" }, objects: [{ path: "x", pipeline: ["tar", "zstdd"] }] } } };`,
    });
    const e = await errorOf(() => loadConfig({ file, env: {} }));
    expect(e.message).toBe(`${file}: tasks.backup.objects[0].pipeline[1]: unknown exec "zstdd" (known: tar)`);
  });
});

describe("include (TS)", () => {
  test("execs and tasks of included configs merge; later scalars override; sources in load order", async () => {
    const p = project();
    const file = p.write({
      "palhm.config.ts": `import { defineConfig } from "palhm";
import core from "./core.ts";
export default defineConfig({ include: [core], workers: 2, tasks: { t: { type: "backup", backend: { type: "null" }, objects: [{ path: "a", pipeline: ["zstd"] }] } } });`,
      "core.ts": `import { defineConfig } from "palhm";
export default defineConfig({ workers: 7, verbosity: 4, execs: { zstd: { argv: ["zstd"] } } });`,
    });
    const c = await loadConfig({ file, env: {} });
    expect(c.sources).toEqual([p.path("core.ts"), file]);
    expect(c.workers).toBe(2);
    expect(c.verbosity).toBe(4);
    expect(c.tasks.get("t")!.type).toBe("backup");
  });

  test("an exec defined in two configs is an error naming both files", async () => {
    const p = project();
    const file = p.write({
      "palhm.config.ts": `import { defineConfig } from "palhm";
import core from "./core.ts";
export default defineConfig({ include: [core], execs: { zstd: { argv: ["zstd", "-19"] } } });`,
      "core.ts": `import { defineConfig } from "palhm";
export default defineConfig({ execs: { zstd: { argv: ["zstd"] } } });`,
    });
    const e = await errorOf(() => loadConfig({ file, env: {} }));
    expect(e.message).toContain(`exec "zstd" is defined twice: in ${p.path("core.ts")} and in ${file}`);
  });
});
