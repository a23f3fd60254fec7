import { afterAll, expect, test } from "bun:test";
import { join } from "node:path";
import { tempProject } from "../config/_fixture.ts";

const p = tempProject();
afterAll(() => p.remove());

test('a compiled palhm binary loads a config that imports "palhm" from anywhere on disk', async () => {
  const bin = p.path("palhm");
  const build = Bun.spawn(["bun", "build", join(import.meta.dir, "../../src/cli.ts"), "--compile", "--outfile", bin], { stdout: "pipe", stderr: "pipe" });
  expect(await build.exited).toBe(0);
  const file = p.write({
    "etc/palhm.config.ts": `import { defineConfig } from "palhm";
import core from "./core.ts";
export default defineConfig({ include: [core], tasks: { t: { type: "backup", backend: { type: "null" }, objects: [{ path: "x", pipeline: ["cat"] }] } } });`,
    "etc/core.ts": `import { defineConfig } from "palhm";\nexport default defineConfig({ execs: { cat: { argv: ["cat"] } } });`,
  });
  const run = Bun.spawn([bin, "-f", file, "config", "--json"], { cwd: p.dir, stdout: "pipe", stderr: "pipe" });
  const [out, err] = [await new Response(run.stdout).text(), await new Response(run.stderr).text()];
  expect(err).toBe("");
  expect(await run.exited).toBe(0);
  expect(JSON.parse(out).tasks.t.objects[0].pipeline[0].argv).toEqual(["cat"]);
});
