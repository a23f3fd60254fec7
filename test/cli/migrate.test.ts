import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load.ts";
import { displayConfig } from "../../src/config/display.ts";
import { useTempProjects, type TempProject } from "../config/_fixture.ts";
import { expectConfigError, palhm } from "./_cli.ts";

const ROOT = join(import.meta.dir, "../..");
const project = useTempProjects();

const CORE = `{ "execs": [
  { "id": "tar", "argv": ["/bin/tar", "--xattrs", "-cf", "-"], "ec": "<2" },
  { "id": "filter-zstd-plain", "argv": ["/bin/zstd"] },
  { "id": "dig-dnssec", "argv": ["/bin/dig", "+short", "+dnssec", "+notcp"], "vl-stdout": 4 },
  { "id": "grep-any", "argv": ["/bin/grep", "."] }
] }`;

const MAIN = `// the host's PALHM config
{
  "include": [ "conf.d/core.json" ],
  "modules": [ "aws" ],
  "nb-workers": 2,
  "vl": 3,
  "tasks": [
    { "id": "backup", "type": "backup", "backend": "localfs",
      "backend-param": { "root": "/var/backup", "dmode": "755", "nb-copy-limit": 3, "block-size": 8388608 },
      "object-groups": [ { "id": "root" }, { "id": "sql", "depends": [ "root" ] } ],
      "objects": [
        { "path": "etc.tar.zst", "group": "root", "alloc-size": 1048576,
          "pipeline": [ { "type": "exec-append", "exec-id": "tar", "argv": ["/etc"] }, { "type": "exec", "exec-id": "filter-zstd-plain" } ] },
        { "path": "db/all.sql", "group": "sql", "pipeline": [ { "type": "exec-inline", "argv": ["/bin/mysqldump", "-uroot", "--all-databases"], "env": { "TZ": "UTC" } } ] },
      ] },
    { "id": "check-dnssec", "type": "backup", "backend": "null",
      "objects": [ { "path": "example.com", "pipeline": [
        { "type": "exec-append", "exec-id": "dig-dnssec", "argv": [ "ANY", "example.com" ] },
        { "type": "exec", "exec-id": "grep-any" } ] } ] },
    { "id": "default", "type": "routine", "routine": [
      { "type": "builtin", "builtin-id": "sigmask", "param": [ { "action": "block", "sig": [ "INT", "TERM" ] } ] },
      { "type": "task", "task-id": "backup" },
      { "type": "exec-inline", "argv": [ "/bin/true" ] } ] }
  ],
  "boot-report": { "mua": "mailx", "mua-param": { "int-opts": ["v15-compat"] }, "mail-to": [ "root" ], "bootid": false, "delay": 1 }
}`;

/** The config as a user would compare it: everything but where it was read from. */
const comparable = (c: Awaited<ReturnType<typeof loadConfig>>) => ({ ...displayConfig(c), sources: undefined });

/** `tsc --noEmit` on the project's palhm.config.ts, with "palhm" mapped to this repository's src/index.ts. */
async function typecheck(p: TempProject): Promise<{ status: number; out: string }> {
  p.write({
    "tsconfig.json": JSON.stringify({
      extends: join(ROOT, "tsconfig.json"),
      compilerOptions: { paths: { palhm: [join(ROOT, "src/index.ts")] }, typeRoots: [join(ROOT, "node_modules/@types")] },
      include: ["palhm.config.ts"],
    }),
  });
  const tsc = Bun.spawn(["bunx", "tsc", "--noEmit", "-p", p.path("tsconfig.json")], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  const out = await new Response(tsc.stdout).text();
  return { status: await tsc.exited, out };
}

describe("palhm migrate", () => {
  test("prints a palhm.config.ts that loads to the same config and type-checks", async () => {
    const p = project();
    const json = p.write({ "palhm.jsonc": MAIN, "conf.d/core.json": CORE });
    const r = await palhm(["migrate", json]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('import { defineConfig } from "palhm";');
    const ts = p.write({ "palhm.config.ts": r.stdout });

    const fromJson = await loadConfig({ file: json, env: {} });
    const fromTs = await loadConfig({ file: ts, env: {} });
    expect(comparable(fromTs)).toEqual(comparable(fromJson));

    const { status, out } = await typecheck(p);
    expect(out).toBe("");
    expect(status).toBe(0);
  });

  test("the type check of a migrated config catches a later mistake", async () => {
    const p = project();
    const json = p.write({ "palhm.jsonc": MAIN, "conf.d/core.json": CORE });
    const r = await palhm(["migrate", json]);
    p.write({ "palhm.config.ts": r.stdout.replace('"filter-zstd-plain",', '"filter-zstd-plainn",') });
    const { status, out } = await typecheck(p);
    expect(status).not.toBe(0);
    expect(out).toContain("filter-zstd-plainn");
  });

  test("a broken PALHM config is refused with the loader's error, exit 2", async () => {
    const p = project();
    const json = p.write({ "palhm.json": `{ "tasks": [ { "id": "b", "type": "backup", "backend": "null", "objects": [ { "path": "../x", "pipeline": [ { "type": "exec-inline", "argv": ["true"] } ] } ] } ] }` });
    const r = await palhm(["migrate", json]);
    expectConfigError(r, expect);
    expect(r.stderr).toContain("tasks.b.objects[0].path:");
  });
});
