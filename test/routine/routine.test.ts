import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { runTask } from "../../src/run/task.ts";
import { ExecError, TaskError, InterruptedError } from "../../src/errors.ts";
import type { StepContext } from "../../src/routine/types.ts";
import type { RoutineResult, StepRecord } from "../../src/routine/run.ts";
import { resolvedConfig, routine, runContext, shStep } from "../_support/context.ts";
import { fileTempDir } from "../_support/tmp.ts";

const base = fileTempDir("routine");
const savedLockDir = process.env.PALHM_LOCK_DIR;
beforeAll(() => {
  process.env.PALHM_LOCK_DIR = join(base, "locks");
});
afterAll(() => {
  if (savedLockDir === undefined) delete process.env.PALHM_LOCK_DIR;
  else process.env.PALHM_LOCK_DIR = savedLockDir;
});

function marks(file: string): string[] {
  return existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").filter(Boolean) : [];
}

describe("routine tasks", () => {
  test("run their steps one after another, in order", async () => {
    const out = join(base, "order");
    // Each step notes when it started and ended; a later step must start after the earlier one ended.
    const step = (n: number) => shStep(`echo start${n} >> ${out}; echo end${n} >> ${out}`);
    const cfg = resolvedConfig([routine("default", [step(1), step(2), step(3)])]);
    const result = await runTask("default", runContext(cfg));
    expect(marks(out)).toEqual(["start1", "end1", "start2", "end2", "start3", "end3"]);
    expect((result as RoutineResult).steps.map((s) => s.index)).toEqual([0, 1, 2]);
  });

  test("stop at the first failing step, naming it", async () => {
    const out = join(base, "stop");
    const done: StepRecord[] = [];
    const cfg = resolvedConfig([routine("maint", [shStep(`echo one >> ${out}`), shStep("exit 3"), shStep(`echo three >> ${out}`)])]);
    const err = await runTask("maint", runContext(cfg), done).catch((e) => e);
    expect(err).toBeInstanceOf(ExecError);
    expect((err as ExecError).exitStatus).toBe(3);
    expect((err as Error).message).toContain("steps[1]");
    expect(marks(out)).toEqual(["one"]);
    expect(done.map((s) => s.index)).toEqual([0]);
  });

  test("run a referenced task to completion before the next step", async () => {
    const out = join(base, "refs");
    const cfg = resolvedConfig([
      routine("inner", [shStep(`echo inner1 >> ${out}`), shStep(`echo inner2 >> ${out}`)]),
      routine("default", [shStep(`echo outer1 >> ${out}`), { kind: "task", task: "inner" }, shStep(`echo outer2 >> ${out}`)]),
    ]);
    const result = await runTask("default", runContext(cfg));
    expect(marks(out)).toEqual(["outer1", "inner1", "inner2", "outer2"]);
    expect(((result as RoutineResult).steps[1]!.result as RoutineResult).task).toBe("inner");
  });

  test("a failing referenced task fails the routine", async () => {
    const out = join(base, "reffail");
    const cfg = resolvedConfig([
      routine("inner", [shStep("exit 1")]),
      routine("outer", [{ kind: "task", task: "inner" }, shStep(`echo after >> ${out}`)]),
    ]);
    await expect(runTask("outer", runContext(cfg))).rejects.toBeInstanceOf(ExecError);
    expect(marks(out)).toEqual([]);
  });

  test("a routine that refers back to itself fails instead of looping", async () => {
    const cfg = resolvedConfig([
      routine("a", [{ kind: "task", task: "b" }]),
      routine("b", [{ kind: "task", task: "a" }]),
    ]);
    const err = await runTask("a", runContext(cfg)).catch((e) => e);
    expect(err).toBeInstanceOf(TaskError);
    expect((err as Error).message).toContain("a → b → a");
  });
});

describe("function steps", () => {
  test("receive the task id, a logger, the verbosity, a signal and a working zx $", async () => {
    let seen: StepContext | undefined;
    let echoed = "";
    const cfg = resolvedConfig([
      routine("fnTask", [
        {
          kind: "fn",
          name: "probe",
          fn: async (ctx) => {
            seen = ctx;
            ctx.log.info("hello from the step");
            echoed = (await ctx.$`printf %s ${"a b"} | tr a-z A-Z`).stdout;
          },
        },
      ], ),
    ], { verbosity: 2 });
    const ctx = runContext(cfg);
    await runTask("fnTask", ctx);
    expect(seen!.taskId).toBe("fnTask");
    expect(seen!.verbosity).toBe(2);
    expect(seen!.signal).toBeInstanceOf(AbortSignal);
    expect(echoed).toBe("A B");
    expect(ctx.lines.some((l) => l.text.includes("hello from the step"))).toBe(true);
  });

  test("a throwing function fails the task with an error naming the step and the task", async () => {
    const cfg = resolvedConfig([routine("t", [shStep("true"), { kind: "fn", name: "checkDisk", fn: () => { throw new Error("disk 97% full"); } }])]);
    const err = await runTask("t", runContext(cfg)).catch((e) => e);
    expect(err).toBeInstanceOf(TaskError);
    expect((err as Error).message).toContain("checkDisk (steps[1])");
    expect((err as Error).message).toContain("task t");
    expect((err as Error).message).toContain("disk 97% full");
  });

  test("an anonymous function is named by its position", async () => {
    const cfg = resolvedConfig([routine("t", [{ kind: "fn", name: "", fn: async () => Promise.reject(new Error("nope")) }])]);
    await expect(runTask("t", runContext(cfg))).rejects.toThrow("function step steps[0] failed: nope");
  });

  test("ctx.signal fires and ctx.$ processes are stopped when the run is interrupted", async () => {
    const cfg = resolvedConfig([
      routine("t", [
        {
          kind: "fn",
          name: "waits",
          fn: async (ctx) => {
            const p = ctx.$`echo started; exec sleep 30`;
            // Interrupt once the process runs (it said so on stdout): the run's SIGTERM arrives.
            for await (const _line of p.stdout) break;
            pid = p.pid!;
            ctxRef.interrupts!.receive("SIGTERM");
            signalled = ctx.signal.aborted;
            await p;
          },
        },
      ]),
    ]);
    let pid = 0;
    let signalled = false;
    const ctxRef = runContext(cfg, { interrupts: true });
    const t0 = performance.now();
    const err = await runTask("t", ctxRef).catch((e) => e);
    expect(err).toBeInstanceOf(InterruptedError);
    expect((err as InterruptedError).exitCode).toBe(143);
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(signalled).toBe(true);
    expect(pid).toBeGreaterThan(0);
    expect(existsSync(`/proc/${pid}`)).toBe(false);
    ctxRef.interrupts!.dispose();
  });
});
