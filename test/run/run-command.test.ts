import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { bootId, lockPath } from "../../src/run/lock.ts";
import { join } from "node:path";
import { alive, inGroup, mkfifo, readFifo, watch, writeFifo } from "../_support/process.ts";
import { project } from "../_support/cli.ts";
import { fileTempDir } from "../_support/tmp.ts";

const base = fileTempDir("run-command");
let n = 0;
const dir = () => join(base, `p${++n}`);
const q = JSON.stringify;

/** A step that writes `text` to `file` (the test's own marker, appended). */
const mark = (file: string, text: string) => `{ argv: ["sh", "-c", ${q(`echo ${text} >> ${file}`)}] }`;
/** A step that says its pid on `ready`, then waits for a line on `hold`. */
const gate = (ready: string, hold: string) => `{ argv: ["sh", "-c", ${q(`echo $$ > ${ready}; read x < ${hold}`)}] }`;
/** A step that says its pid on `ready`, then runs `sleep` in its place. */
const sleeper = (ready: string) => `{ argv: ["sh", "-c", ${q(`echo $$ > ${ready}; exec sleep 60`)}] }`;

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, "utf8").trim().split("\n") : [];
}

describe("palhm run", () => {
  test("without a task runs the task named default", async () => {
    const d = dir();
    const out = join(d, "marks");
    const p = project(d, `{ tasks: { other: { type: "routine", steps: [${mark(out, "other")}] }, default: { type: "routine", steps: [${mark(out, "default")}] } } }`);
    const r = await p.run(["run"]);
    expect(r.status).toBe(0);
    expect(lines(out)).toEqual(["default"]);
  });

  test("an unknown task exits 2 naming the known tasks, and runs nothing", async () => {
    const d = dir();
    const out = join(d, "marks");
    const p = project(d, `{ tasks: { nightly: { type: "routine", steps: [${mark(out, "x")}] }, weekly: { type: "routine", steps: [${mark(out, "y")}] } } }`);
    const r = await p.run(["run", "nigthly"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`unknown task "nigthly"`);
    expect(r.stderr).toContain("nightly, weekly");
    expect(r.stderr).not.toContain("    at ");
    expect(lines(out)).toEqual([]);
  });

  test("a failing step exits 1 with the step named, and the steps after it do not run", async () => {
    const d = dir();
    const out = join(d, "marks");
    const p = project(d, `{ tasks: { default: { type: "routine", steps: [${mark(out, "a")}, { argv: ["false"] }, ${mark(out, "c")}] } } }`);
    const r = await p.run(["run"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("steps[1]");
    expect(r.stderr).toContain("false");
    expect(lines(out)).toEqual(["a"]);
  });

  test("--dry-run prints the steps as shell-like lines and runs nothing", async () => {
    const d = dir();
    const out = join(d, "marks");
    const p = project(
      d,
      `{ execs: { greet: { argv: ["echo", "hello world"], env: { DB_PASSWORD: "hunter2" } } }, tasks: { sub: { type: "routine", steps: [${mark(out, "sub")}] }, default: { type: "routine", steps: ["greet", { task: "sub" }, { builtin: "sigmask", param: [{ action: "block", sig: ["TERM"] }] }, async function tidy() {}] } } }`,
    );
    const r = await p.run(["run", "--dry-run"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("echo 'hello world'");
    expect(r.stdout).toContain("DB_PASSWORD=***");
    expect(r.stdout).not.toContain("hunter2");
    expect(r.stdout).toContain("task sub");
    expect(r.stdout).toContain(`echo sub >> ${out}`);
    expect(r.stdout).toContain("sigmask block SIGTERM");
    expect(r.stdout).toContain("fn tidy");
    expect(lines(out)).toEqual([]);
  });

  test("--json prints one JSON document: the steps run, or the error with its code", async () => {
    const d = dir();
    const out = join(d, "marks");
    const p = project(d, `{ tasks: { ok: { type: "routine", steps: [${mark(out, "a")}, ${mark(out, "b")}] }, bad: { type: "routine", steps: [${mark(out, "c")}, { argv: ["sh", "-c", "exit 4"] }] } } }`);
    const good = await p.run(["run", "ok", "--json"]);
    expect(good.status).toBe(0);
    const doc = JSON.parse(good.stdout);
    expect(doc.ok).toBe(true);
    expect(doc.steps.map((s: { index: number }) => s.index)).toEqual([0, 1]);
    const bad = await p.run(["run", "bad", "--json"]);
    expect(bad.status).toBe(1);
    const err = JSON.parse(bad.stdout);
    expect(err.ok).toBe(false);
    expect(err.error.code).toBe("EEXEC");
    expect(err.error.message).toContain("exit 4");
    expect(err.steps.map((s: { index: number }) => s.index)).toEqual([0]);
  });
});

describe("interrupting a run", () => {
  for (const [sig, status] of [["SIGTERM", 143], ["SIGINT", 130]] as const) {
    test(`${sig} stops the running step's process and exits ${status}`, async () => {
      const d = dir();
      const ready = mkfifo(join(d + "-ready"));
      const out = join(d, "marks");
      const p = project(d, `{ tasks: { default: { type: "routine", steps: [${sleeper(ready)}, ${mark(out, "after")}] } } }`);
      const proc = p.start(["run"]);
      const child = Number(await readFifo(ready));
      expect(alive(child)).toBe(true);
      proc.kill(sig);
      const t0 = performance.now();
      expect(await proc.exited).toBe(status);
      expect(performance.now() - t0).toBeLessThan(5000);
      expect(alive(child)).toBe(false);
      expect(await new Response(proc.stderr).text()).toContain(`interrupted by ${sig}`);
      expect(lines(out)).toEqual([]);
    });
  }

  test("a terminal's Ctrl-C (SIGINT to the whole process group) exits 130, not as a failed step", async () => {
    const d = dir();
    const ready = mkfifo(join(d + "-ready"));
    const p = project(d, `{ tasks: { default: { type: "routine", steps: [${sleeper(ready)}] } } }`);
    const proc = p.start(["run"], { detached: true });
    const child = Number(await readFifo(ready));
    process.kill(-proc.pid, "SIGINT");
    expect(await proc.exited).toBe(130);
    expect(alive(child)).toBe(false);
  });

  test("SIGTERM stops every process of a function step's ctx.$ pipeline", async () => {
    const d = dir();
    const ready = mkfifo(join(d + "-ready"));
    const p = project(d, `{ tasks: { default: { type: "routine", steps: [async (ctx) => { await ctx.$\`echo $$ > ${ready}; sleep 60 | cat\`; }] } } }`);
    const proc = p.start(["run"]);
    const group = Number(await readFifo(ready));
    expect(inGroup(group).length).toBeGreaterThan(0);
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(143);
    // Killed processes take a moment to leave the process table: poll, with a deadline.
    let left = inGroup(group);
    for (const deadline = Date.now() + 5000; left.length && Date.now() < deadline; left = inGroup(group)) await Bun.sleep(20);
    expect(left).toEqual([]);
  });

  test("SIGTERM during a backup pipeline stops it, removes the partial copy and exits 143", async () => {
    const d = dir();
    const ready = mkfifo(join(d + "-ready"));
    const root = join(d, "root");
    const p = project(
      d,
      `{ tasks: { default: { type: "backup", backend: { type: "localfs", root: ${q(root)} }, objects: [{ path: "a", pipeline: [{ argv: ["sh", "-c", ${q(`echo $$ > ${ready}; exec sleep 60`)}] }, { argv: ["cat"] }] }] } } }`,
    );
    const proc = p.start(["run"]);
    const child = Number(await readFifo(ready));
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(143);
    expect(alive(child)).toBe(false);
    expect(readdirSync(root)).toEqual([]);
  });

  test("a second signal during cleanup is reported, not ignored silently", async () => {
    const d = dir();
    const ready = mkfifo(join(d + "-ready"));
    // The step's process ignores SIGTERM for a while, so cleanup (stopping it) takes time.
    const stubborn = `{ argv: ["sh", "-c", ${q(`trap '' TERM; echo $$ > ${ready}; exec sleep 60`)}] }`;
    const p = project(d, `{ tasks: { default: { type: "routine", steps: [${stubborn}] } } }`);
    const proc = p.start(["run"]);
    const err = watch(proc.stderr);
    const child = Number(await readFifo(ready));
    proc.kill("SIGTERM");
    await err.until("stopping children");
    proc.kill("SIGTERM");
    await err.until("cleanup is still in progress");
    expect(await proc.exited).toBe(143);
    expect(alive(child)).toBe(false);
  });
});

describe("sigmask", () => {
  test("a blocked SIGTERM does not interrupt; the routine finishes and exits 0", async () => {
    const d = dir();
    const ready = mkfifo(join(d + "-ready"));
    const hold = mkfifo(join(d + "-hold"));
    const out = join(d, "marks");
    const p = project(
      d,
      `{ tasks: { default: { type: "routine", steps: [{ builtin: "sigmask", param: [{ action: "block", sig: ["TERM"] }] }, ${gate(ready, hold)}, ${mark(out, "after")}] } } }`,
    );
    // palhm leads its own process group: the signal goes to the group, palhm and the step's process alike (as `kill -TERM -PGID`).
    const proc = p.start(["run"], { detached: true });
    const err = watch(proc.stderr);
    const child = Number(await readFifo(ready));
    process.kill(-proc.pid, "SIGTERM");
    await err.until("deferred");
    expect(alive(child)).toBe(true);
    await writeFifo(hold);
    expect(await proc.exited).toBe(0);
    expect(lines(out)).toEqual(["after"]);
    expect(err.text).toContain("never unblocked");
  });

  test("unblocking delivers the pending signal: the run stops there with 143", async () => {
    const d = dir();
    const ready = mkfifo(join(d + "-ready"));
    const hold = mkfifo(join(d + "-hold"));
    const out = join(d, "marks");
    const p = project(
      d,
      `{ tasks: { default: { type: "routine", steps: [{ builtin: "sigmask", param: [{ action: "block", sig: [15] }] }, ${gate(ready, hold)}, ${mark(out, "before-unblock")}, { builtin: "sigmask", param: [{ action: "unblock", sig: ["SIGTERM"] }] }, ${mark(out, "after-unblock")}] } } }`,
    );
    const proc = p.start(["run"]);
    const err = watch(proc.stderr);
    await readFifo(ready);
    proc.kill("SIGTERM");
    await err.until("deferred");
    await writeFifo(hold);
    expect(await proc.exited).toBe(143);
    expect(lines(out)).toEqual(["before-unblock"]);
  });
});

describe("run lock", () => {
  test("a second run of a running task fails at once with exit 75 naming the running process", async () => {
    const d = dir();
    const ready = mkfifo(join(d + "-ready"));
    const hold = mkfifo(join(d + "-hold"));
    const p = project(d, `{ tasks: { default: { type: "routine", steps: [${gate(ready, hold)}] } } }`);
    const first = p.start(["run"]);
    await readFifo(ready);
    const second = await p.run(["run"]);
    expect(second.status).toBe(75);
    expect(second.stderr).toContain(`pid ${first.pid}`);
    expect(second.stderr).toContain("already running");
    await writeFifo(hold);
    expect(await first.exited).toBe(0);
    // Released: a third run goes through (and waits on the gate again).
    const third = p.start(["run"]);
    await readFifo(ready);
    await writeFifo(hold);
    expect(await third.exited).toBe(0);
  });

  test("a lock left by a dead run is taken over with a warning", async () => {
    const d = dir();
    const out = join(d, "marks");
    const p = project(d, `{ tasks: { default: { type: "routine", steps: [${mark(out, "ran")}] } } }`);
    const dead = Bun.spawn(["true"]);
    await dead.exited;
    mkdirSync(p.locks, { recursive: true });
    writeFileSync(lockPath("routine\0default", p.locks), JSON.stringify({ pid: dead.pid, bootId: bootId(), startTime: "2020-01-01T00:00:00Z", procStart: "", key: "routine\0default" }));
    const r = await p.run(["run"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`process ${dead.pid} is gone`);
    expect(lines(out)).toEqual(["ran"]);
    expect(readdirSync(p.locks)).toEqual([]);
  });
});
