import { afterEach, describe, expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { HookError, InterruptedError } from "../../src/errors.ts";
import type { HookContext } from "../../src/hooks/types.ts";
import { hooks, recorder, runner, sandbox, STATES, tsRecorder, type Sandbox } from "./_fixture.ts";
import { alive } from "../_support/process.ts";

let sb: Sandbox;
afterEach(() => sb?.cleanup());

/** A FIFO nobody writes to: reading it blocks until the reader is killed. */
function fifo(): string {
  const path = join(sb.root, `fifo-${Math.random().toString(36).slice(2)}`);
  execFileSync("mkfifo", [path]);
  return path;
}


async function gone(pid: number, deadlineMs = 5000): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  while (alive(pid)) {
    if (Date.now() > end) return false;
    await Bun.sleep(10);
  }
  return true;
}

describe("order within a state", () => {
  for (const op of ["backup", "restore"] as const) {
    test.each(STATES)(`${op} %s`, async (state) => {
      sb = sandbox();
      sb.script("20-d2", recorder("d2"));
      sb.script("10-d1", recorder("d1"));
      const global = hooks("global", { [op]: { [state]: [tsRecorder(sb, "g1"), tsRecorder(sb, "g2")] } });
      const task = hooks("task t1", { [op]: { [state]: [tsRecorder(sb, "t1"), tsRecorder(sb, "t2")] } });
      await runner(sb, { op, global, task }).run(state, {});
      const names = sb.lines().map((l) => l.split(" ")[0]);
      const setup = ["g1", "g2", "d1", "d2", "t1", "t2"];
      const teardown = ["t1", "t2", "d1", "d2", "g1", "g2"];
      expect(names).toEqual(state === "pre" || state === "inspect" ? setup : teardown);
      expect(sb.lines().every((l) => l.endsWith(` ${op} ${state}`))).toBe(true);
    });
  }
});

describe("hooks.d executables", () => {
  test("see OP STATE as arguments and the operation in PALHM_* variables", async () => {
    sb = sandbox();
    sb.script(
      "10-env",
      `#!/bin/sh\necho "$1|$2|$PALHM_OP|$PALHM_STATE|$PALHM_TASK|$PALHM_PREFIX|$PALHM_LOCATION|\${PALHM_ERROR-unset}" >> "$JOURNAL"\n`,
    );
    const r = runner(sb, { op: "restore", taskId: "db" });
    await r.run("pre", {});
    await r.run("post", { prefix: "2022-05-01T06:59:17+00:00", location: "/var/backup/2022-05-01T06:59:17+00:00" });
    await r.run("error", { prefix: "P", location: "L", error: new Error("pipeline broke") });
    expect(sb.lines()).toEqual([
      "restore|pre|restore|pre|db|||unset",
      "restore|post|restore|post|db|2022-05-01T06:59:17+00:00|/var/backup/2022-05-01T06:59:17+00:00|unset",
      "restore|error|restore|error|db|P|L|pipeline broke",
    ]);
  });

  test("a non-zero exit fails with a HookError naming the file, op, state and exit code", async () => {
    sb = sandbox();
    const path = sb.script("10-fail", "#!/bin/sh\nexit 3\n");
    const err = await runner(sb).run("pre", {}).catch((e) => e);
    expect(err).toBeInstanceOf(HookError);
    expect(err.message).toBe(`hook ${path} failed at backup pre: exit code 3`);
    expect([err.hook, err.op, err.state, err.exitStatus]).toEqual([path, "backup", "pre", 3]);
  });

  test("a hook killed by a signal is reported with the signal's name", async () => {
    sb = sandbox();
    sb.script("10-kill", "#!/bin/sh\nkill -KILL $$\n");
    const err = await runner(sb).run("post", {}).catch((e) => e);
    expect(err.message).toEndWith("failed at backup post: killed by SIGKILL");
  });

  test("a failing pre stops the remaining pre hooks", async () => {
    sb = sandbox();
    sb.script("10-a", recorder("a"));
    sb.script("20-fail", recorder("fail", "exit 1"));
    sb.script("30-c", recorder("c"));
    const task = hooks("task t1", { backup: { pre: [tsRecorder(sb, "t")] } });
    await expect(runner(sb, { task }).run("pre", {})).rejects.toBeInstanceOf(HookError);
    expect(sb.lines()).toEqual(["a backup pre", "fail backup pre"]);
  });

  test("a blocking executable is killed at the timeout with its children", async () => {
    sb = sandbox();
    const pidfile = join(sb.root, "pid");
    sb.script("10-block", `#!/bin/sh\ncat ${fifo()} &\necho $! > ${pidfile}\nwait\n`);
    const err = await runner(sb, { execTimeout: 0.3 }).run("pre", {}).catch((e) => e);
    expect(err).toBeInstanceOf(HookError);
    expect(err.message).toEndWith("failed at backup pre: timed out after 0.3s");
    expect(await gone(Number(readFileSync(pidfile, "utf8")))).toBe(true);
  });

  test("an interruption stops a running executable and fails with the interruption", async () => {
    sb = sandbox();
    const started = join(sb.root, "started");
    sb.script("10-block", `#!/bin/sh\n: > ${started}\nexec cat ${fifo()}\n`);
    const ac = new AbortController();
    const run = runner(sb, { signal: ac.signal }).run("inspect", {});
    while (!existsSync(started)) await Bun.sleep(5);
    ac.abort(new InterruptedError("SIGTERM"));
    expect(await run.catch((e) => e)).toBeInstanceOf(InterruptedError);
  });

  test("finally hooks still run after the run was interrupted", async () => {
    sb = sandbox();
    sb.script("10-cleanup", recorder("cleanup"));
    const ac = new AbortController();
    ac.abort(new InterruptedError("SIGINT"));
    await runner(sb, { signal: ac.signal }).run("finally", {});
    expect(sb.lines()).toEqual(["cleanup backup finally"]);
  });

  test("at error and finally every hook runs, and all failures are reported", async () => {
    sb = sandbox();
    sb.script("10-a", recorder("a", "exit 4"));
    sb.script("20-b", recorder("b"));
    const global = hooks("global", { backup: { finally: [tsRecorder(sb, "g", () => { throw new Error("g broke"); })] } });
    const err = await runner(sb, { global }).run("finally", {}).catch((e) => e);
    expect(sb.lines()).toEqual(["a backup finally", "b backup finally", "g backup finally"]);
    expect(err).toBeInstanceOf(HookError);
    expect(err.message).toContain("2 hooks failed at backup finally");
    expect(err.message).toContain("exit code 4");
    expect(err.message).toContain('hook "g" (global) failed at backup finally: g broke');
  });
});

describe("TypeScript hooks", () => {
  test("ctx carries op, state, task, prefix, location and the error", async () => {
    sb = sandbox();
    const seen: Partial<HookContext>[] = [];
    const see = (ctx: HookContext) => void seen.push({ op: ctx.op, state: ctx.state, taskId: ctx.taskId, prefix: ctx.prefix, location: ctx.location, error: ctx.error });
    const boom = new Error("boom");
    const task = hooks("task db", { restore: { error: [see], post: [see] } });
    const r = runner(sb, { op: "restore", taskId: "db", task });
    await r.run("post", { prefix: "P", location: "s3://b/r/P" });
    await r.run("error", { prefix: "P", error: boom });
    expect(seen).toEqual([
      { op: "restore", state: "post", taskId: "db", prefix: "P", location: "s3://b/r/P", error: undefined },
      { op: "restore", state: "error", taskId: "db", prefix: "P", location: undefined, error: boom },
    ]);
  });

  test("a throwing hook fails with a HookError naming the function and its source", async () => {
    sb = sandbox();
    const task = hooks("task db", { backup: { inspect: [async function checkDump() { throw new Error("dump too small"); }] } });
    const err = await runner(sb, { task }).run("inspect", {}).catch((e) => e);
    expect(err).toBeInstanceOf(HookError);
    expect(err.message).toBe('hook "checkDump" (task db) failed at backup inspect: dump too small');
    expect([err.hook, err.op, err.state]).toEqual(["checkDump", "backup", "inspect"]);
  });

  test("ctx.$ runs commands in the hooks' environment", async () => {
    sb = sandbox();
    let out = "";
    const global = hooks("global", { backup: { pre: [async (ctx: HookContext) => { out = (await ctx.$`echo "$JOURNAL"`).stdout; }] } });
    await runner(sb, { global }).run("pre", {});
    expect(out.trim()).toBe(sb.journal);
  });

  test("a hook that outlives its timeout fails, and its signal fires", async () => {
    sb = sandbox();
    let signal: AbortSignal | undefined;
    const waits = { name: "waits", timeout: 0.2, run: (ctx: HookContext) => { signal = ctx.signal; return new Promise(() => {}); } };
    const err = await runner(sb, { global: hooks("global", { backup: { pre: [waits] } }) }).run("pre", {}).catch((e) => e);
    expect(err).toBeInstanceOf(HookError);
    expect(err.message).toBe('hook "waits" (global) failed at backup pre: timed out after 0.2s');
    expect(signal?.aborted).toBe(true);
  });

  test("a timed-out hook's ctx.$ commands are killed", async () => {
    sb = sandbox();
    const pidfile = join(sb.root, "pid");
    const reader = join(sb.root, "reader");
    await Bun.write(reader, `#!/bin/sh\necho $$ > ${pidfile}\nexec cat ${fifo()}\n`);
    chmodSync(reader, 0o755);
    const blocks = { name: "blocks", timeout: 0.3, run: async (ctx: HookContext) => { await ctx.$`${reader}`; } };
    const err = await runner(sb, { task: hooks("task t1", { backup: { post: [blocks] } }) }).run("post", {}).catch((e) => e);
    expect(err.message).toEndWith("timed out after 0.3s");
    expect(await gone(Number(readFileSync(pidfile, "utf8")))).toBe(true);
  });

  test("commands of ctx.$ with its own options (nothrow) are still killed at the timeout", async () => {
    sb = sandbox();
    const pidfile = join(sb.root, "pid");
    const reader = join(sb.root, "reader");
    await Bun.write(reader, `#!/bin/sh\necho $$ > ${pidfile}\nexec cat ${fifo()}\n`);
    chmodSync(reader, 0o755);
    const blocks = { name: "blocks", timeout: 0.3, run: async (ctx: HookContext) => { await ctx.$({ nothrow: true, quiet: true })`${reader}`; } };
    const err = await runner(sb, { global: hooks("global", { restore: { pre: [blocks] } }), op: "restore" }).run("pre", {}).catch((e) => e);
    expect(err.message).toEndWith("timed out after 0.3s");
    expect(await gone(Number(readFileSync(pidfile, "utf8")))).toBe(true);
  });

  test("an interrupted run fails a pending hook with the interruption", async () => {
    sb = sandbox();
    const ac = new AbortController();
    const pending = { name: "pending", run: (ctx: HookContext) => new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(new Error("aborted")))) };
    const run = runner(sb, { signal: ac.signal, global: hooks("global", { backup: { pre: [pending] } }) }).run("pre", {});
    ac.abort(new InterruptedError("SIGINT"));
    expect(await run.catch((e) => e)).toBeInstanceOf(InterruptedError);
  });
});

describe("prepare", () => {
  test("refuses a group-writable hook before anything runs, naming it", async () => {
    sb = sandbox();
    sb.script("10-ok", recorder("ok"));
    const bad = sb.script("20-bad", recorder("bad"), 0o775);
    const err = await runner(sb).prepare().catch((e) => e);
    expect(err).toBeInstanceOf(HookError);
    expect(err.hook).toBe(bad);
    expect(err.message).toContain(`${bad} is writable by group`);
    expect(sb.lines()).toEqual([]);
  });

  test("run() refuses too when prepare() was not called", async () => {
    sb = sandbox();
    sb.script("10-ok", recorder("ok"));
    chmodSync(sb.hooksDir, 0o757);
    await expect(runner(sb).run("pre", {})).rejects.toThrow(`${sb.hooksDir} is writable by others`);
    expect(sb.lines()).toEqual([]);
  });
});
