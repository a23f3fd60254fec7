// Hooks end to end: the real CLI running a backup (and a restore) of a real config, hooks.d on disk.
import { afterEach, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { palhm as cli, startPalhm } from "../_support/cli.ts";
import { recorder, sandbox, type Sandbox } from "./_fixture.ts";

let sb: Sandbox;
afterEach(() => sb?.cleanup());

/**
 * A project: task `backup` stores one object into `root`; `taskHooks` is TS
 * source for the task's `hooks`. Every TS hook written with `rec(NAME)` appends
 * `NAME OP STATE` to the journal, like the hooks.d recorders.
 */
function project(taskHooks = "{}", pipeline = `[{ argv: ["echo", "data"] }]`, extra = "") {
  const root = join(sb.root, "backups");
  const file = join(sb.root, "palhm.config.ts");
  writeFileSync(
    file,
    `import { defineConfig } from "palhm";
import { appendFileSync } from "node:fs";
const rec = (name: string, fail?: string) => Object.defineProperty((ctx: any) => {
  appendFileSync(${JSON.stringify(sb.journal)}, \`\${name} \${ctx.op} \${ctx.state}\\n\`);
  if (fail === ctx.state) throw new Error(\`\${name} refuses\`);
}, "name", { value: name });
export default defineConfig({
  ${extra}
  hooks: { backup: { pre: rec("g"), inspect: rec("g"), post: rec("g"), error: rec("g"), finally: rec("g") } },
  tasks: {
    backup: {
      type: "backup",
      backend: { type: "localfs", root: ${JSON.stringify(root)} },
      objects: [{ path: "o.txt", pipeline: ${pipeline}, restore: [{ argv: ["sh", "-c", "cat > ${sb.root}/restored"] }] }],
      hooks: ${taskHooks},
    },
  },
});
`,
  );
  return { file, root };
}

const palhm = (file: string, ...args: string[]) => cli(["-f", file, ...args], { env: { PALHM_HOOKS: sb.hooksDir, JOURNAL: sb.journal } });

/** Copies under the root: complete ones have a manifest. */
function copies(root: string) {
  if (!existsSync(root)) return [];
  return readdirSync(root).map((prefix) => ({ prefix, complete: existsSync(join(root, prefix, ".palhm-manifest.json")) }));
}

describe("hooks around palhm run (backup)", () => {
  test("every state in order: global TS, hooks.d, task TS; torn down in reverse", async () => {
    sb = sandbox();
    sb.script("10-d", recorder("d"));
    const { file, root } = project(`{ backup: { pre: rec("t"), inspect: rec("t"), post: rec("t"), finally: rec("t") } }`);
    const r = await palhm(file, "run", "backup");
    expect(r.status).toBe(0);
    expect(sb.lines()).toEqual([
      "g backup pre", "d backup pre", "t backup pre",
      "g backup inspect", "d backup inspect", "t backup inspect",
      "t backup post", "d backup post", "g backup post",
      "t backup finally", "d backup finally", "g backup finally",
    ]);
    expect(copies(root)).toEqual([{ prefix: expect.any(String), complete: true }]);
  });

  test("a failing pre hook: nothing written, error and finally run, exit 1 naming the hook", async () => {
    sb = sandbox();
    const hook = sb.script("10-fail", recorder("d", `[ "$2" = pre ] && exit 9; exit 0`));
    const { file, root } = project();
    const r = await palhm(file, "run", "backup");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`hook ${hook} failed at backup pre: exit code 9`);
    expect(r.stderr).not.toContain("    at ");
    expect(sb.lines()).toEqual(["g backup pre", "d backup pre", "d backup error", "g backup error", "d backup finally", "g backup finally"]);
    expect(existsSync(root)).toBe(false);
  });

  test("a failing inspect hook rolls the copy back", async () => {
    sb = sandbox();
    const { file, root } = project(`{ backup: { inspect: rec("t", "inspect") } }`);
    const r = await palhm(file, "run", "backup");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('hook "t" (task backup) failed at backup inspect: t refuses');
    expect(copies(root)).toEqual([]);
    expect(sb.lines().slice(-3)).toEqual(["t backup inspect", "g backup error", "g backup finally"]);
  });

  test("a failing post hook fails the run but keeps the committed copy", async () => {
    sb = sandbox();
    const { file, root } = project(`{ backup: { post: rec("t", "post") } }`);
    const r = await palhm(file, "run", "backup");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('hook "t" (task backup) failed at backup post: t refuses');
    expect(copies(root)).toEqual([{ prefix: expect.any(String), complete: true }]);
  });

  test("finally hooks run after a failed pipeline, and hooks.d sees the failure in $PALHM_ERROR", async () => {
    sb = sandbox();
    sb.script("10-err", `#!/bin/sh\n[ "$2" = error ] || [ "$2" = finally ] && echo "$2: $PALHM_ERROR" >> "$JOURNAL"\nexit 0\n`);
    const { file, root } = project("{}", `[{ argv: ["sh", "-c", "exit 3"] }]`);
    const r = await palhm(file, "run", "backup");
    expect(r.status).toBe(1);
    const lines = sb.lines();
    expect(lines[lines.length - 1]).toBe("g backup finally");
    expect(lines.find((l) => l.startsWith("error: "))).toContain("exited with code 3");
    expect(lines.find((l) => l.startsWith("finally: "))).toContain("exited with code 3");
    expect(copies(root)).toEqual([]);
  });

  test("a hooks.d entry writable by others is refused before anything runs", async () => {
    sb = sandbox();
    const bad = sb.script("10-open", recorder("d"), 0o757);
    const { file, root } = project();
    const r = await palhm(file, "run", "backup");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${bad} is writable by others`);
    expect(sb.lines()).toEqual([]);
    expect(existsSync(root)).toBe(false);
  });

  test("the config's hooksDir wins over $PALHM_HOOKS", async () => {
    sb = sandbox();
    const other = join(sb.root, "other.d");
    Bun.spawnSync(["mkdir", "-m", "755", other]);
    await Bun.write(join(other, "10-o"), recorder("o"));
    chmodSync(join(other, "10-o"), 0o755);
    sb.script("10-d", recorder("d"));
    const { file } = project("{}", undefined, `hooksDir: ${JSON.stringify(other)},`);
    expect((await palhm(file, "run", "backup")).status).toBe(0);
    expect(sb.lines().filter((l) => !l.startsWith("g "))).toEqual(["o backup pre", "o backup inspect", "o backup post", "o backup finally"]);
  });

  test("hook output goes to stderr: --json stdout stays one JSON document", async () => {
    sb = sandbox();
    sb.script("10-talk", `#!/bin/sh\necho "hook says $1 $2"\necho "hook warns" >&2\n`);
    const { file } = project();
    const r = await palhm(file, "run", "--json", "backup");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).ok).toBe(true);
    expect(r.stderr).toContain("hook says backup pre");
    expect(r.stderr).toContain("hook warns");
  });

  test("-q prints nothing of a hook that succeeds: its stdout is dropped, its stderr held", async () => {
    sb = sandbox();
    sb.script("10-talk", `#!/bin/sh\necho "hook says $1 $2"\necho "hook warns" >&2\n`);
    const { file } = project();
    const r = await palhm(file, "-q", "run", "backup");
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
  });

  test("-q prints a failing hook's stderr with its failure, as TKLBAM's fixclock explains itself", async () => {
    sb = sandbox();
    sb.script("10-fixclock", `#!/bin/sh\n[ "$2" = pre ] || exit 0\necho "##########################" >&2\necho "## FIXCLOCK HOOK FAILED ##" >&2\necho "ntpdate: no server suitable for synchronization found" >&2\nexit 1\n`);
    const { file } = project();
    const r = await palhm(file, "-q", "run", "backup");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      "failed at backup pre:\nexit code 1\nstderr of 10-fixclock (last lines):\n  ##########################\n  ## FIXCLOCK HOOK FAILED ##\n  ntpdate: no server suitable for synchronization found",
    );
    expect(r.stderr.split("FIXCLOCK HOOK FAILED").length).toBe(2);
  });
});

describe("hooks when palhm is interrupted", () => {
  test("SIGTERM during a pre hook stops it, error and finally hooks still run, exit 143", async () => {
    sb = sandbox();
    const fifo = join(sb.root, "fifo");
    const pidfile = join(sb.root, "hook.pid");
    Bun.spawnSync(["mkfifo", fifo]);
    sb.script("10-block", `#!/bin/sh\necho "d $1 $2" >> "$JOURNAL"\n[ "$2" = pre ] || exit 0\necho $$ > ${pidfile}\nexec cat ${fifo}\n`);
    const { file, root } = project();
    const p = startPalhm(["-f", file, "run", "backup"], { env: { PALHM_HOOKS: sb.hooksDir, JOURNAL: sb.journal } });
    const deadline = Date.now() + 10_000;
    while (!existsSync(pidfile) || readFileSync(pidfile, "utf8") === "") {
      if (Date.now() > deadline) throw new Error("the pre hook never started");
      await Bun.sleep(10);
    }
    const hookPid = Number(readFileSync(pidfile, "utf8"));
    p.kill("SIGTERM");
    expect(await p.exited).toBe(143);
    expect(sb.lines()).toEqual(["g backup pre", "d backup pre", "d backup error", "g backup error", "d backup finally", "g backup finally"]);
    expect(existsSync(`/proc/${hookPid}`) && !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${hookPid}/stat`, "utf8"))).toBe(false);
    expect(copies(root)).toEqual([]);
  });
});

describe("hooks around palhm restore", () => {
  test("hooks.d executables run with OP restore at every state of a successful restore", async () => {
    sb = sandbox();
    const { file } = project();
    expect((await palhm(file, "run", "backup")).status).toBe(0);
    sb.script("10-d", `#!/bin/sh\necho "d $1 $2 $PALHM_OP $PALHM_TASK \${PALHM_PREFIX:+prefix}" >> "$JOURNAL"\n`);
    const r = await palhm(file, "restore", "backup");
    expect(r.status).toBe(0);
    expect(sb.lines().filter((l) => l.startsWith("d "))).toEqual(
      ["pre", "inspect", "post", "finally"].map((s) => `d restore ${s} restore backup prefix`),
    );
    expect(await Bun.file(join(sb.root, "restored")).text()).toBe("data\n");
  });
});
