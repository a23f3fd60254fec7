import { describe, expect, test } from "bun:test";
import { loadConfig } from "../../src/config/load.ts";
import { ConfigError } from "../../src/errors.ts";
import type { ResolvedBackupTask, ResolvedRoutineTask } from "../../src/config/resolved.ts";
import { errorOf } from "../_support/tmp.ts";
import { useTempDirs } from "../_support/tmp.ts";

const project = useTempDirs();

/** conf.d/core.json as PALHM shipped it (an excerpt). */
const CORE = `{
  "execs": [
    { "id": "tar", "argv": [ "/bin/tar", "--xattrs", "--selinux", "--warning=none", "-cf", "-" ], "ec": "<2" },
    { "id": "filter-zstd-plain", "argv": [ "/bin/zstd" ] },
    { "id": "dig-dnssec", "argv": [ "/bin/dig", "+short", "+dnssec", "+notcp" ], "vl-stderr": 1, "vl-stdout": 4 },
    { "id": "grep-any", "argv": [ "/bin/grep", "." ], "ec": "0" }
  ]
}`;

/** A PALHM config written with the examples of PALHM's README, comments and trailing commas included. */
const MAIN = `// PALHM config
{
  "include": [ "conf.d/core.json" ],
  "modules": [ "aws" ],
  "nb-workers": 1,
  "vl": 4,
  "tasks": [
    {
      "id": "backup",
      "type": "backup",
      "backend": "localfs",
      "backend-param": {
        "root": "/media/backup/localhost", // (REQUIRED)
        "dmode": "755",
        "fmode": "644",
        "nb-copy-limit": "Infinity",
        "root-size-limit": "Infinity",
        "block-size": 8388608
      },
      "object-groups": [
        { "id": "root" },
        { "id": "http" },
        { "id": "sql", "depends": [ "http" ] },
        { "id": "ldap", "depends": [ "sql" ] },
      ],
      "objects": [
        {
          "path": "all-db.sql.zstd.pgp",
          "alloc-size": 268435456, // 256MiB
          "group": "sql",
          "pipeline": [
            { "type": "exec-inline", "argv": [ "/bin/mysqldump", "-uroot", "--all-databases" ] },
            { "type": "exec", "exec-id": "filter-zstd-plain" },
            { "type": "exec-inline", "argv": [ "/bin/gpg", "-e", "-r", "backup-pub-key", "--compress-algo", "none" ] }
          ]
        }
      ]
    },
    {
      "id": "check-dnssec",
      "type": "backup",
      "backend": "null",
      "objects": [
        {
          "path": "example.com",
          "pipeline": [
            /* dig, then a trap for an empty answer */
            { "type": "exec-append", "exec-id": "dig-dnssec", "argv": [ "ANY", "example.com" ] },
            { "type": "exec", "exec-id": "grep-any" }
          ]
        }
      ]
    },
    {
      "id": "default",
      "type": "routine",
      "routine": [
        { "type": "builtin", "builtin-id": "sigmask", "param": [ { "action": "block", "sig": [ "INT", "TERM" ] } ] },
        { "type": "task", "task-id": "backup" },
        { "type": "exec-inline", "argv": [ "/bin/true" ] }
      ]
    }
  ],
  "boot-report": {
    "mua": "aws-sns",
    "mua-param": { "region": "us-east-1" },
    "mail-to": [ "arn:aws:sns:us-east-1:000000000000:topic-test" ],
    "subject": "Custom Boot Report Subject from {hostname}",
    "uptime-since": false,
    "bootid": false,
    "boot-wait": "systemd",
    "delay": 5,
  },
}`;

describe("PALHM JSON/JSONC", () => {
  test("a PALHM config with comments, trailing commas and include loads unchanged", async () => {
    const p = project();
    const file = p.write({ "palhm.jsonc": MAIN, "conf.d/core.json": CORE });
    const c = await loadConfig({ file, env: {} });
    expect(c.file).toBe(file);
    expect(c.sources).toEqual([file, p.path("conf.d/core.json")]);
    expect(c.workers).toBe(1);
    expect(c.verbosity).toBe(4);
    const backup = c.tasks.get("backup") as ResolvedBackupTask;
    expect(backup.backend).toEqual({ type: "localfs", root: "/media/backup/localhost", dmode: 0o755, fmode: 0o644, nbCopyLimit: null, rootSizeLimit: null });
    expect(backup.groups.find((g) => g.id === "ldap")!.depends).toEqual(["sql"]);
    expect(backup.objects[0]!.allocSize).toBe(268435456n);
    expect(backup.objects[0]!.pipeline.map((e) => e.argv[0])).toEqual(["/bin/mysqldump", "/bin/zstd", "/bin/gpg"]);
    const dnssec = c.tasks.get("check-dnssec") as ResolvedBackupTask;
    expect(dnssec.objects[0]!.pipeline[0]).toMatchObject({ argv: ["/bin/dig", "+short", "+dnssec", "+notcp", "ANY", "example.com"], vlStdout: 4 });
    expect(dnssec.objects[0]!.pipeline[1]!.ec).toMatchObject({ min: 0, max: 0 });
    const routine = c.tasks.get("default") as ResolvedRoutineTask;
    expect(routine.steps.map((s) => s.kind)).toEqual(["sigmask", "task", "exec"]);
    expect(routine.steps[0]).toEqual({ kind: "sigmask", param: [{ action: "block", sig: ["SIGINT", "SIGTERM"] }] });
    expect(c.bootReport).toMatchObject({
      mua: { type: "aws-sns", profile: "default", region: "us-east-1" },
      subject: "Custom Boot Report Subject from {hostname}",
      uptimeSince: false,
      uptime: true,
      bootId: false,
      bootWait: "systemd",
      delay: 5,
    });
  });

  test("errors use the same paths as a TS config, and name the file", async () => {
    const p = project();
    const file = p.write({
      "palhm.json": `{ "execs": [ { "id": "tar", "argv": ["tar"] } ], "tasks": [ { "id": "backup", "type": "backup", "backend": "null",
        "objects": [ { "path": "a", "pipeline": [ { "type": "exec", "exec-id": "zstdd" } ] } ] } ] }`,
    });
    const e = await errorOf(() => loadConfig({ file, env: {} }));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toBe(`${file}: tasks.backup.objects[0].pipeline[0]: unknown exec "zstdd" (known: tar)`);
  });

  test("unknown keys are reported as written; unknown entry types name the known ones", async () => {
    const p = project();
    p.write({
      "key.json": `{ "nb-worker": 2 }`,
      "param.json": `{ "tasks": [ { "id": "b", "type": "backup", "backend": "localfs", "backend-param": { "root": "/x", "nb-copies": 2 }, "objects": [] } ] }`,
      "type.json": `{ "tasks": [ { "id": "b", "type": "backup", "backend": "null", "objects": [ { "path": "a", "pipeline": [ { "type": "shell" } ] } ] } ] }`,
    });
    expect((await errorOf(() => loadConfig({ file: p.path("key.json"), env: {} }))).message).toContain('unknown key "nb-worker"');
    expect((await errorOf(() => loadConfig({ file: p.path("param.json"), env: {} }))).message).toContain('tasks.b.backend: unknown key "nb-copies"');
    expect((await errorOf(() => loadConfig({ file: p.path("type.json"), env: {} }))).message).toContain(
      'tasks.b.objects[0].pipeline[0].type: unknown type "shell" (known: exec, exec-append, exec-inline)',
    );
  });

  test("a syntax error names the file, line and column", async () => {
    const p = project();
    const file = p.write({ "palhm.json": `{\n  "vl": 3\n  "nb-workers": 2\n}` });
    const e = await errorOf(() => loadConfig({ file, env: {} }));
    expect(e.message).toStartWith(`${file}: syntax error at line 3, column 3: expected "," or "}", found`);
  });
});

describe("include (JSON)", () => {
  test("duplicate task ids across files are an error naming both files", async () => {
    const p = project();
    const task = `{ "id": "t", "type": "routine", "routine": [] }`;
    const file = p.write({ "main.json": `{ "include": ["sub/a.json"], "tasks": [ ${task} ] }`, "sub/a.json": `{ "tasks": [ ${task} ] }` });
    const e = await errorOf(() => loadConfig({ file, env: {} }));
    expect(e.message).toContain(`task "t" is defined twice: in ${file} and in ${p.path("sub/a.json")}`);
  });

  test("relative paths resolve against the including file; a cycle is an error", async () => {
    const p = project();
    const file = p.write({ "main.json": `{ "include": ["d/a.json"] }`, "d/a.json": `{ "include": ["b.json"] }`, "d/b.json": `{ "include": ["../main.json"] }` });
    const e = await errorOf(() => loadConfig({ file, env: {} }));
    expect(e.message).toContain(`include cycle: ${file} -> ${p.path("d/a.json")} -> ${p.path("d/b.json")} -> ${file}`);
  });

  test("a missing included file is named", async () => {
    const p = project();
    const file = p.write({ "main.json": `{ "include": ["conf.d/core.json"] }` });
    expect((await errorOf(() => loadConfig({ file, env: {} }))).message).toContain(`included file not found: ${p.path("conf.d/core.json")}`);
  });

  test("a file reached twice without a cycle is merged once", async () => {
    const p = project();
    const file = p.write({ "main.json": `{ "include": ["a.json", "b.json"] }`, "a.json": `{ "include": ["core.json"] }`, "b.json": `{ "include": ["core.json"] }`, "core.json": CORE });
    const c = await loadConfig({ file, env: {} });
    expect(c.sources).toEqual([file, p.path("a.json"), p.path("core.json"), p.path("b.json")]);
    expect(c.execs.has("tar")).toBe(true);
  });

  test("as in PALHM, an included file's settings override the including file's; mua set once; mail-to the including file's first", async () => {
    const p = project();
    const file = p.write({
      "main.json": `{ "include": ["base.json"], "vl": 2, "boot-report": { "mail-to": ["ops@example.com"], "subject": "S" } }`,
      "base.json": `{ "vl": 4, "nb-workers": 3, "boot-report": { "mua": "stdout", "mail-to": ["root"], "subject": "T" } }`,
      "twice.json": `{ "include": ["base.json"], "boot-report": { "mua": "mailx", "mail-to": ["x"] } }`,
    });
    const c = await loadConfig({ file, env: {} });
    expect(c.verbosity).toBe(4);
    expect(c.workers).toBe(3);
    expect(c.bootReport).toMatchObject({ mua: { type: "stdout" }, mailTo: ["ops@example.com", "root"], subject: "T" });
    const e = await errorOf(() => loadConfig({ file: p.path("twice.json"), env: {} }));
    expect(e.message).toContain(`the boot report's mua is set twice: in ${p.path("twice.json")} and in ${p.path("base.json")}`);
  });

  test("a JSON config may include a TS config", async () => {
    const p = project();
    const file = p.write({
      "main.json": `{ "include": ["core.ts"], "tasks": [ { "id": "r", "type": "routine", "routine": [ { "type": "exec", "exec-id": "cat" } ] } ] }`,
      "core.ts": `import { defineConfig } from "palhm";\nexport default defineConfig({ execs: { cat: { argv: ["cat"] } } });`,
    });
    expect(((await loadConfig({ file, env: {} })).tasks.get("r") as ResolvedRoutineTask).steps[0]).toMatchObject({ kind: "exec", exec: { argv: ["cat"] } });
  });
});
