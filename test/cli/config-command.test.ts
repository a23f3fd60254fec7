import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { useTempDirs } from "../_support/tmp.ts";
import { expectConfigError, palhm } from "../_support/cli.ts";

const project = useTempDirs();

const GOOD = `import { defineConfig } from "palhm";
export default defineConfig({
  execs: { dump: { argv: ["mysqldump", "--password=hunter2", "-uroot"], env: { MYSQL_PWD: "hunter2", AWS_SECRET_ACCESS_KEY: "abc", LANG: "C" } } },
  tasks: { backup: { type: "backup", backend: { type: "localfs", root: "/var/backup" }, objects: [{ path: "db.sql", pipeline: ["dump"] }] } },
});
`;

describe("palhm config", () => {
  test("prints the resolved config with secrets masked", async () => {
    const p = project();
    const file = p.write({ "palhm.config.ts": GOOD });
    const r = await palhm(["-f", file, "config", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const c = JSON.parse(r.stdout);
    expect(c.tasks.backup.backend).toMatchObject({ type: "localfs", root: "/var/backup", dmode: "750", fmode: "640", nbCopyLimit: "inf" });
    expect(c.execs.dump.argv).toEqual(["mysqldump", "--password=***", "-uroot"]);
    expect(c.execs.dump.env).toEqual({ MYSQL_PWD: "***", AWS_SECRET_ACCESS_KEY: "***", LANG: "C" });
    expect(r.stdout).not.toContain("hunter2");
    expect(r.stdout).not.toContain("abc");
  });

  test("YAML by default, found as ./palhm.config.ts", async () => {
    const p = project();
    p.write({ "palhm.config.ts": GOOD });
    const r = await palhm(["config"], { cwd: p.dir });
    expect(r.status).toBe(0);
    expect(Bun.YAML.parse(r.stdout)).toMatchObject({ sources: [p.path("palhm.config.ts")], tasks: { backup: { type: "backup" } } });
    expect(r.stdout).not.toContain("hunter2");
  });

  test("a config error exits 2 with one paragraph naming the path, and writes nothing", async () => {
    const p = project();
    const file = p.write({
      "palhm.config.ts": `export default { execs: { tar: { argv: ["tar"] } }, tasks: { backup: { type: "backup", backend: { type: "localfs", root: "${p.path("out")}" }, objects: [{ path: "a", pipeline: ["tar", "zstdd"] }] } } };`,
    });
    const r = await palhm(["-f", file, "config"]);
    expectConfigError(r, expect);
    expect(r.stderr).toContain('tasks.backup.objects[0].pipeline[1]: unknown exec "zstdd" (known: tar)');
    expect(readdirSync(p.dir)).toEqual(["palhm.config.ts"]);
    const run = await palhm(["-f", file, "run", "backup"]);
    expectConfigError(run, expect);
    expect(readdirSync(p.dir)).toEqual(["palhm.config.ts"]);
  });

  test("syntax errors in TS and JSON configs: exit 2, file and line, no stack", async () => {
    const p = project();
    p.write({ "bad.ts": `export default {\n  workers: 2,,\n};\n`, "bad.json": `{\n  "vl": 3,\n  "nb-workers" 2\n}` });
    const ts = await palhm(["-f", p.path("bad.ts"), "config"]);
    expectConfigError(ts, expect);
    expect(ts.stderr).toContain(`${p.path("bad.ts")}:2:`);
    const json = await palhm(["-f", p.path("bad.json"), "config"]);
    expectConfigError(json, expect);
    expect(json.stderr).toContain(`${p.path("bad.json")}: syntax error at line 3, column 16`);
  });

  test("-q and -v override the config's verbosity", async () => {
    const p = project();
    const file = p.write({ "palhm.config.ts": `export default { verbosity: 2 };` });
    const level = async (...flags: string[]) => JSON.parse((await palhm([...flags, "-f", file, "config", "--json"])).stdout).verbosity;
    expect(await level()).toBe(2);
    expect(await level("-vv")).toBe(4);
    expect(await level("-v", "-v", "-v")).toBe(5);
    expect(await level("-q")).toBe(1);
  });

  test("a missing config file: exit 2, naming it", async () => {
    const p = project();
    const r = await palhm(["config"], { cwd: p.dir, env: { PALHM_CONFIG: p.path("nope.ts") } });
    expectConfigError(r, expect);
    expect(r.stderr).toContain(p.path("nope.ts"));
  });
});
