import { describe, expect, test } from "bun:test";
import { statSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load.ts";
import { displayConfig } from "../../src/config/display.ts";
import { useTempDirs } from "../_support/tmp.ts";
import { type TempDir } from "../_support/tmp.ts";
import { expectConfigError, palhm } from "../_support/cli.ts";

const ROOT = join(import.meta.dir, "../..");
const project = useTempDirs();

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
const comparable = (c: Awaited<ReturnType<typeof loadConfig>>) => ({ ...displayConfig(c), sources: undefined, file: undefined });

/** `tsc --noEmit` on the project's palhm.config.ts, with "palhm" mapped to this repository's src/index.ts. */
async function typecheck(p: TempDir): Promise<{ status: number; out: string }> {
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

describe("palhm migrate keeps PALHM's meaning and the secrets out of the TS", () => {
  /** A PALHM config holding secrets in clear, as they are found in the wild. */
  const SECRETS = `{
  "execs": [ { "id": "dump", "argv": [ "/bin/sh", "-c", "echo \\"pwd=$MYSQL_PWD arg=$0 pg=$PGPASSWORD\\"", "--password=sword'fish\\"x" ], "env": { "MYSQL_PWD": "hunter2", "LC_ALL": "C" } } ],
  "tasks": [ { "id": "default", "type": "routine", "routine": [
    { "type": "exec", "exec-id": "dump" },
    { "type": "exec-append", "exec-id": "dump", "argv": [], "env": { "PGPASSWORD": "open \${sesame}\`" } } ] } ],
  "boot-report": { "mua": "mailx", "mua-param": { "int-opts": [ "smtp=smtp://127.0.0.1:1", "smtp-auth-password=tiger" ] }, "mail-to": [ "root" ] }
}`;
  const VALUES = ["hunter2", "sword'fish", "open ${sesame}`", "tiger"];
  const OUTPUT = "pwd=hunter2 arg=--password=sword'fish\"x pg=\npwd=hunter2 arg=--password=sword'fish\"x pg=open ${sesame}`\n";

  test("secrets become reads of palhm's environment; the migrated config runs the same once they are set", async () => {
    const p = project();
    const json = p.write({ "palhm.conf": SECRETS });
    const r = await palhm(["migrate", json]);
    expect(r.status).toBe(0);
    for (const v of VALUES) expect(r.stdout).not.toContain(v);
    expect(r.stdout).toContain('MYSQL_PWD: secret("MYSQL_PWD")');
    expect(r.stderr).toBe("palhm migrate: the config reads these secrets from palhm's environment; set PALHM_PASSWORD, MYSQL_PWD, PGPASSWORD, PALHM_MAILX_SMTP_AUTH_PASSWORD there, or rerun with --env-file FILE\n");
    const ts = p.write({ "palhm.config.ts": r.stdout });

    const fromJson = await palhm(["-f", json, "run"], { cwd: p.dir });
    expect(fromJson.stdout).toBe(OUTPUT);
    const env = { MYSQL_PWD: "hunter2", PALHM_PASSWORD: "sword'fish\"x", PGPASSWORD: "open ${sesame}`", PALHM_MAILX_SMTP_AUTH_PASSWORD: "tiger" };
    const fromTs = await palhm(["-f", ts, "run"], { cwd: p.dir, env });
    expect(fromTs.status).toBe(0);
    expect(fromTs.stdout).toBe(OUTPUT);
    const shown = await palhm(["-f", ts, "config", "--json"], { cwd: p.dir, env });
    // `palhm config` masks the mailx password option as it masks argv and env secrets.
    expect(JSON.parse(shown.stdout).bootReport.mua.intOpts).toEqual(["smtp=smtp://127.0.0.1:1", "smtp-auth-password=***"]);

    const unset = await palhm(["-f", ts, "run"], { cwd: p.dir });
    expectConfigError(unset, expect);
    expect(unset.stderr).toContain("the secret PALHM_PASSWORD is not set in the environment");
  });

  test("--env-file writes them to a new root-only env file that the config loads, and never overwrites one", async () => {
    const p = project();
    const json = p.write({ "palhm.conf": SECRETS });
    const envFile = p.path("palhm.env");
    const r = await palhm(["migrate", "--env-file", envFile, json]);
    expect(r.status).toBe(0);
    for (const v of VALUES) expect(r.stdout).not.toContain(v);
    expect(r.stdout).toContain(`parseEnv(readFileSync(${JSON.stringify(envFile)}, "utf8"))`);
    expect(r.stderr).toBe("");
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    const ts = p.write({ "palhm.config.ts": r.stdout });
    const run = await palhm(["-f", ts, "run"], { cwd: p.dir });
    expect(run.stdout).toBe(OUTPUT);

    const again = await palhm(["migrate", "--env-file", envFile, json]);
    expect(again.status).toBe(2);
    expect(again.stdout).toBe("");
    expect(again.stderr).toContain(`${envFile} exists`);
  });

  test("PALHM's include order survives: included settings override, mail-to lists the including file first", async () => {
    const p = project();
    const json = p.write({
      "palhm.conf": `{ "include": ["conf.d/a.json", "conf.d/b.json"], "vl": 2, "nb-workers": 1,
        "boot-report": { "mua": "stdout", "mail-to": ["root"], "subject": "main" } }`,
      "conf.d/a.json": `{ "include": ["c.json"], "vl": 4, "boot-report": { "mail-to": ["a@example.com"], "subject": "a" } }`,
      "conf.d/c.json": `{ "nb-workers": 3, "boot-report": { "mail-to": ["c@example.com"], "delay": 1 } }`,
      "conf.d/b.json": `{ "vl": 5, "boot-report": { "mail-to": ["b@example.com"] } }`,
    });
    const fromJson = await loadConfig({ file: json, env: {} });
    expect(fromJson.verbosity).toBe(5);
    expect(fromJson.workers).toBe(3);
    expect(fromJson.bootReport).toMatchObject({ subject: "a", delay: 1, mailTo: ["root", "a@example.com", "c@example.com", "b@example.com"] });
    const r = await palhm(["migrate", json]);
    expect(r.status).toBe(0);
    const ts = p.write({ "palhm.config.ts": r.stdout });
    expect(comparable(await loadConfig({ file: ts, env: {} }))).toEqual(comparable(fromJson));
  });
});
