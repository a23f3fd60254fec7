// Items 1, 2, 3, 5 and 8 of the PALHM drop-in: keys and values PALHM accepts, through the real CLI.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startSmtp } from "../../_support/servers/smtp.ts";
import { expectConfigError } from "../../_support/cli.ts";
import { usePalhmProjects } from "./_project.ts";

const project = usePalhmProjects();
const ISO_PREFIX = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/;
const copies = (root: string) => readdirSync(root).filter((n) => ISO_PREFIX.test(n));

describe('backend-param "prefix" (PALHM reserves it; its sample configs set it)', () => {
  const conf = (root: string, prefix: string) => `{
  "tasks": [ {
    "id": "backup", "type": "backup", "backend": "localfs",
    "backend-param": {
      "root": ${JSON.stringify(root)},
      "prefix": ${prefix},
      "nb-copy-limit": 2,
      "root-size-limit": "Infinity",
      "block-size": 4096
    },
    "objects": [ { "path": "os-release", "pipeline": [ { "type": "exec-inline", "argv": [ "/bin/cat", "/etc/os-release" ] } ] } ]
  } ]
}`;

  test('{ "type": "default" } names the copy as always: the UTC time of the run', async () => {
    const p = project();
    const file = p.write({ "palhm.jsonc": conf(p.path("backups"), `{\n        "type": "default"\n        // "type": "iso8601",\n        // "tz": "utc"\n      }`) });
    const r = await p.run(["-q", "-f", file, "run", "backup"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const [copy] = copies(p.path("backups"));
    expect(readFileSync(join(p.path("backups"), copy!, "os-release"), "utf8")).toBe(readFileSync("/etc/os-release", "utf8"));
  });

  test("any other value is a config error saying what is supported, and nothing is written", async () => {
    const p = project();
    const file = p.write({ "palhm.json": conf(p.path("backups"), `{ "type": "iso8601", "timespec": "seconds", "tz": "local" }`) });
    const r = await p.run(["-f", file, "run", "backup"]);
    expectConfigError(r, expect);
    expect(r.stderr).toContain(`${file}: tasks.backup.backend-param.prefix: only { "type": "default" } is supported`);
    expect(existsSync(p.path("backups"))).toBe(false);
  });
});

describe('"vl-stdout" / "vl-stderr" on an "exec" or "exec-append" entry override the exec definition for that use', () => {
  const conf = (hello: string) => `{
  "execs": [
    { "id": "hello", "argv": [ "/bin/sh", "-c", "echo \\"out $0 $*\\"; echo \\"err $0 $*\\" >&2", "hello" ] }
  ],
  "tasks": [ { "id": "default", "type": "routine", "routine": [
    { "type": "exec", "exec-id": "hello", "vl-stdout": 1 },
    { "type": "exec-append", "exec-id": "hello", "argv": [ "quiet" ], "vl-stdout": 9, "vl-stderr": 9 },
    { "type": "exec", "exec-id": "hello" }
  ] } ]
}`;

  test("each use shows or hides the program's output by its own thresholds", async () => {
    const p = project();
    const file = p.write({ "palhm.json": conf("hello") });
    // vl 3: the first and third uses show stdout (thresholds 1 and 3) and stderr; the second shows nothing.
    const r = await p.run(["-f", file, "run"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("out hello \nout hello \n");
    expect(r.stderr).toContain("err hello \n");
    expect(r.stderr).not.toContain("quiet");
    // -q: only the use whose vl-stdout is 1 prints.
    const q = await p.run(["-q", "-f", file, "run"]);
    expect(q).toEqual({ status: 0, stdout: "out hello \n", stderr: "" });
  });

  test("in a backup pipeline too: vl-stderr on a use silences (or shows) that process's stderr", async () => {
    const p = project();
    const file = p.write({
      "palhm.json": `{
  "execs": [ { "id": "noisy-cat", "argv": [ "/bin/sh", "-c", "echo 'noisy-cat: progress 100%' >&2; exec cat" ] } ],
  "tasks": [ { "id": "backup", "type": "backup", "backend": "localfs", "backend-param": { "root": ${JSON.stringify(p.path("backups"))} },
    "objects": [ { "path": "a", "pipeline": [
      { "type": "exec-inline", "argv": [ "/bin/echo", "a" ] },
      { "type": "exec", "exec-id": "noisy-cat", "vl-stderr": 4 },
      { "type": "exec-append", "exec-id": "noisy-cat", "argv": [], "vl-stderr": 2 }
    ] } ] } ]
}`,
    });
    const r = await p.run(["-f", file, "run", "backup"]);
    expect(r.status).toBe(0);
    // Shown once: by the third process (threshold 2), not by the second (threshold 4), at vl 3.
    expect(r.stderr.split("noisy-cat: progress 100%").length).toBe(2);
    const v = await p.run(["-v", "-f", file, "run", "backup"]);
    expect(v.stderr.split("noisy-cat: progress 100%").length).toBe(3);
  });

  test("palhm config shows the thresholds each use runs with", async () => {
    const p = project();
    const file = p.write({ "palhm.json": conf("hello") });
    const r = await p.run(["-f", file, "config", "--json"]);
    expect(r.status).toBe(0);
    const steps = JSON.parse(r.stdout).tasks.default.steps.map((s: { exec: { vlStdout: number; vlStderr: number } }) => [s.exec.vlStdout, s.exec.vlStderr]);
    expect(steps).toEqual([[1, 1], [9, 9], [3, 1]]);
  });

  test("any other key on an exec entry is refused, naming the keys it can have", async () => {
    const p = project();
    const file = p.write({ "palhm.json": conf("hello").replace('"vl-stdout": 1 }', '"vl-stdout": 1, "ec": "<2" }') });
    const r = await p.run(["-f", file, "config"]);
    expectConfigError(r, expect);
    expect(r.stderr).toContain('tasks.default.routine[0]: unexpected key "ec" in an "exec" entry (known: exec-id, vl-stderr, vl-stdout)');
  });
});

describe('the mailx MUA\'s "mua-param.exec": the mailx program to run', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(() => smtp.close());

  test("the boot report goes through the program it names, with the int-opts", async () => {
    const p = project();
    const file = p.write({
      "palhm.conf": `{
  "boot-report": {
    "mua": "mailx",
    "mua-param": {
      "exec": "/usr/bin/s-nail",
      "int-opts": [ "v15-compat", "mta=smtp://127.0.0.1:${smtp.port}", "smtp-auth=none", "nosave", "from=palhm@example.com" ]
    },
    "mail-to": [ "root@example.com" ],
    "subject": "Boot Report from {hostname} (PALHM config)",
    "uptime-since": false,
    "bootid": false,
    "delay": 0
  }
}`,
    });
    const r = await p.run(["-f", file, "boot-report"], { HOME: p.dir, MAILRC: "/dev/null" });
    expect(r.stderr).not.toContain("error");
    expect(r.status).toBe(0);
    const mail = smtp.mails.find((m) => m.headers.get("subject")?.toString().endsWith("(PALHM config)"));
    expect(mail?.rcptTo).toEqual(["root@example.com"]);
    const shown = await p.run(["-f", file, "config", "--json"]);
    expect(JSON.parse(shown.stdout).bootReport.mua).toMatchObject({ type: "mailx", path: "/usr/bin/s-nail" });
  });
});

describe("an absolute object path is stored inside the copy, as PALHM does", () => {
  const conf = (root: string, path: string) => `{
  "tasks": [ { "id": "backup", "type": "backup", "backend": "localfs", "backend-param": { "root": ${JSON.stringify(root)} },
    "objects": [ { "path": ${JSON.stringify(path)}, "pipeline": [ { "type": "exec-inline", "argv": [ "/bin/echo", "abs" ] } ] } ] } ]
}`;

  test('"/abs/x.bin" lands at PREFIX/abs/x.bin', async () => {
    const p = project();
    const root = p.path("backups");
    const file = p.write({ "palhm.json": conf(root, "/abs/x.bin") });
    const r = await p.run(["-q", "-f", file, "run", "backup"]);
    expect(r).toEqual({ status: 0, stdout: "", stderr: "" });
    const [copy] = copies(root);
    expect(readFileSync(join(root, copy!, "abs/x.bin"), "utf8")).toBe("abs\n");
    expect(existsSync("/abs/x.bin")).toBe(false);
  });

  test('".." still cannot leave the copy, with or without the leading "/"', async () => {
    const p = project();
    for (const path of ["/../x.bin", "/abs/../../x.bin", "../x.bin"]) {
      const file = p.write({ "palhm.json": conf(p.path("backups"), path) });
      const r = await p.run(["-f", file, "run", "backup"]);
      expectConfigError(r, expect);
      expect(r.stderr).toContain('tasks.backup.objects[0].path: an object path cannot have "." or ".." segments');
      expect(existsSync(p.path("backups"))).toBe(false);
    }
  });
});

describe('exit code comparators are clipped to 0..255: "<256" accepts every code', () => {
  const conf = (ec: string) => `{
  "execs": [ { "id": "any", "argv": [ "/bin/sh", "-c", "exit 255" ], "ec": ${JSON.stringify(ec)} } ],
  "tasks": [ { "id": "default", "type": "routine", "routine": [ { "type": "exec", "exec-id": "any" } ] } ]
}`;

  test('"<256" and "<= 1000" accept exit code 255', async () => {
    const p = project();
    for (const ec of ["<256", "<= 1000"]) {
      const r = await p.run(["-q", "-f", p.write({ "palhm.json": conf(ec) }), "run"]);
      expect(r).toEqual({ status: 0, stdout: "", stderr: "" });
    }
  });

  test("a comparator that admits no code of 0..255 is still a config error", async () => {
    const p = project();
    const r = await p.run(["-f", p.write({ "palhm.json": conf(">=256") }), "run"]);
    expectConfigError(r, expect);
    expect(r.stderr).toContain('execs.any.ec: empty exit code range ">=256" (exit codes are 0..255)');
  });
});
