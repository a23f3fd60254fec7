/** `palhm check` through the real CLI: every program, hooks.d entry and MUA the config names. */
import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { palhm } from "../_support/cli.ts";
import { useTempDirs } from "../_support/tmp.ts";

const project = useTempDirs();

function config(hooksDir: string, mailx: string, program: string): string {
  return `import { defineConfig } from "palhm";
export default defineConfig({
  hooksDir: ${JSON.stringify(hooksDir)},
  execs: { cat: { argv: ["cat"] }, dump: { argv: [${JSON.stringify(program)}, "--all"] } },
  tasks: {
    backup: { type: "backup", backend: { type: "null" }, objects: [{ path: "x", pipeline: ["dump", "cat"] }] },
  },
  bootReport: { mua: { type: "mailx", path: ${JSON.stringify(mailx)} }, mailTo: ["root"] },
});
`;
}

function hook(dir: string, name: string, mode: number): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), "#!/bin/sh\nexit 0\n");
  chmodSync(join(dir, name), mode);
}

describe("palhm check", () => {
  test("a config whose programs, hooks and MUA all exist: exit 0", async () => {
    const p = project();
    hook(p.path("hooks.d"), "10-ok", 0o755);
    const file = p.write({ "palhm.config.ts": config(p.path("hooks.d"), "/bin/sh", "true") });
    const r = await palhm(["-f", file, "check"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("every program a task runs found");
  });

  test("an exec no task uses whose program is missing is no problem and no warning, only a note at -v (config/core.ts's rpm on Debian)", async () => {
    const p = project();
    const file = p.write({
      "palhm.config.ts": config(p.path("hooks.d"), "/bin/sh", "true").replace(
        'execs: { cat: { argv: ["cat"] },',
        'execs: { rpm: { argv: ["no-such-rpm-palhm", "-qa"] }, cat: { argv: ["cat"] },',
      ),
    });
    const r = await palhm(["-f", file, "check"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    const verbose = await palhm(["-v", "-f", file, "check"]);
    expect(verbose.status).toBe(0);
    expect(verbose.stderr).toContain('no task uses them: execs.rpm ("no-such-rpm-palhm" not found in PATH)');
  });

  test("a missing program, a missing mailx and an untrusted hook: exit 1 naming each where the config uses it", async () => {
    const p = project();
    hook(p.path("hooks.d"), "20-open", 0o777);
    const file = p.write({ "palhm.config.ts": config(p.path("hooks.d"), p.path("no/mailx"), "no-such-dump-palhm") });
    const r = await palhm(["-f", file, "check"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain('execs.dump: "no-such-dump-palhm" not found in PATH');
    expect(r.stderr).toContain('tasks.backup.objects[0].pipeline[0]: "no-such-dump-palhm" not found in PATH');
    expect(r.stderr).toContain(`bootReport.mua: "${p.path("no/mailx")}" does not exist`);
    expect(r.stderr).toMatch(/hooks: .*20-open/);
    expect(r.stderr).not.toContain('"cat"');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});

describe("palhm check on tasks sharing a backend root", () => {
  test("warns naming the tasks and the root, and still passes", async () => {
    const p = project();
    const root = p.path("backups");
    const file = p.write({
      "palhm.config.ts": `export default {
  hooksDir: ${JSON.stringify(p.path("no-hooks.d"))},
  tasks: {
    web: { type: "backup", backend: { type: "localfs", root: ${JSON.stringify(root)} }, objects: [{ path: "a", pipeline: [{ argv: ["true"] }] }] },
    db: { type: "backup", backend: { type: "localfs", root: ${JSON.stringify(root + "/")}, nbCopyLimit: 1 }, objects: [{ path: "b", pipeline: [{ argv: ["true"] }] }] },
    own: { type: "backup", backend: { type: "localfs", root: ${JSON.stringify(root + "-own")} }, objects: [{ path: "c", pipeline: [{ argv: ["true"] }] }] },
  },
};`,
    });
    const r = await palhm(["-f", file, "check"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`tasks "web", "db" share the backend root ${root}`);
    expect(r.stderr).not.toContain('"own"');
  });
});
