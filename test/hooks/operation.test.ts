import { appendFileSync } from "node:fs";
import { afterEach, describe, expect, test } from "bun:test";
import { HookError } from "../../src/errors.ts";
import { hookFailuresOf, runOperation } from "../../src/hooks/operation.ts";
import type { HookContext } from "../../src/hooks/types.ts";
import { recordingLog } from "../_support/context.ts";
import { hooks, recorder, runner, sandbox, tsRecorder, type Sandbox } from "./_fixture.ts";

let sb: Sandbox;
afterEach(() => sb?.cleanup());

/** hooks.d recording every state, plus global and task TS hooks recording every state of `op`. */
function everywhere(op: "backup" | "restore") {
  sb.script("50-dir", recorder("dir"));
  const all = (who: string) => ({ pre: [tsRecorder(sb, who)], inspect: [tsRecorder(sb, who)], post: [tsRecorder(sb, who)], error: [tsRecorder(sb, who)], finally: [tsRecorder(sb, who)] });
  return { global: hooks("global", { [op]: all("global") }), task: hooks("task t1", { [op]: all("task") }) };
}

/** A body that writes a "copy" to the journal, calls inspect, and rolls back on failure as a real one must. */
function body(opts: { fail?: boolean } = {}) {
  return async (inspect: () => Promise<void>) => {
    appendFileSync(sb.journal, "body writes copy\n");
    try {
      if (opts.fail) throw new Error("pipeline failed");
      await inspect();
    } catch (e) {
      appendFileSync(sb.journal, "body rolls back\n");
      throw e;
    }
    return "copy";
  };
}

for (const op of ["backup", "restore"] as const) {
  describe(`${op} operation`, () => {
    test("success: pre, body, inspect, post, finally, in order across global, hooks.d and task", async () => {
      sb = sandbox();
      const result = await runOperation(runner(sb, { op, ...everywhere(op) }), {}, body());
      expect(result).toBe("copy");
      expect(sb.lines()).toEqual([
        `global ${op} pre`, `dir ${op} pre`, `task ${op} pre`,
        "body writes copy",
        `global ${op} inspect`, `dir ${op} inspect`, `task ${op} inspect`,
        `task ${op} post`, `dir ${op} post`, `global ${op} post`,
        `task ${op} finally`, `dir ${op} finally`, `global ${op} finally`,
      ]);
    });

    test("a failing pre hook stops the operation: no body, no more pre hooks; error then finally run", async () => {
      sb = sandbox();
      sb.script("10-fails", recorder("fails", "exit 1"));
      const { global, task } = everywhere(op);
      const err = await runOperation(runner(sb, { op, global, task }), {}, body()).catch((e) => e);
      expect(err).toBeInstanceOf(HookError);
      expect(err.message).toContain(`failed at ${op} pre: exit code 1`);
      expect(sb.lines()).toEqual([
        `global ${op} pre`, `fails ${op} pre`,
        `task ${op} error`, `fails ${op} error`, `dir ${op} error`, `global ${op} error`,
        `task ${op} finally`, `fails ${op} finally`, `dir ${op} finally`, `global ${op} finally`,
      ]);
    });

    test("a failing inspect hook fails the body, which rolls back", async () => {
      sb = sandbox();
      const task = hooks("task t1", { [op]: { inspect: [() => { throw new Error("dump is empty"); }], error: [tsRecorder(sb, "alert")] } });
      const err = await runOperation(runner(sb, { op, task }), {}, body()).catch((e) => e);
      expect(err.message).toBe(`hook "anonymous" (task t1) failed at ${op} inspect: dump is empty`);
      expect(sb.lines()).toEqual(["body writes copy", "body rolls back", `alert ${op} error`]);
    });

    test("a failing post hook fails the operation but the body's result stands (no rollback)", async () => {
      sb = sandbox();
      sb.script("10-post", `#!/bin/sh\n[ "$2" = post ] && exit 7\necho "dir $1 $2" >> "$JOURNAL"\n`);
      const err = await runOperation(runner(sb, { op }), {}, body()).catch((e) => e);
      expect(err).toBeInstanceOf(HookError);
      expect(err.exitStatus).toBe(7);
      expect(sb.lines()).toEqual([`dir ${op} pre`, "body writes copy", `dir ${op} inspect`, `dir ${op} error`, `dir ${op} finally`]);
    });

    test("error hooks receive the failure; finally runs after a failed body", async () => {
      sb = sandbox();
      sb.script("10-err", `#!/bin/sh\necho "$2: \${PALHM_ERROR-none}" >> "$JOURNAL"\n`);
      let seen: unknown;
      const global = hooks("global", { [op]: { error: [(ctx: HookContext) => { seen = ctx.error; }] } });
      const facts = { prefix: "P" };
      const err = await runOperation(runner(sb, { op, global }), facts, body({ fail: true })).catch((e) => e);
      expect(err.message).toBe("pipeline failed");
      expect(seen).toBe(err);
      expect(sb.lines()).toEqual(["pre: none", "body writes copy", "body rolls back", "error: pipeline failed", "finally: pipeline failed"]);
    });

    test("a failing error or finally hook is logged and attached, never hides the original error", async () => {
      sb = sandbox();
      const { log, lines } = recordingLog();
      sb.script("10-finally", `#!/bin/sh\n[ "$2" = finally ] && exit 2\nexit 0\n`);
      const global = hooks("global", { [op]: { error: [function alert() { throw new Error("mail server down"); }] } });
      const err = await runOperation(runner(sb, { op, global, log }), {}, body({ fail: true })).catch((e) => e);
      expect(err.message).toBe("pipeline failed");
      expect(hookFailuresOf(err).map((f) => f.message)).toEqual([
        `hook "alert" (global) failed at ${op} error: mail server down`,
        `hook ${sb.hooksDir}/10-finally failed at ${op} finally: exit code 2`,
      ]);
      expect(lines.filter((r) => r.type === "error").map((r) => r.text)).toEqual([
        `hook "alert" (global) failed at ${op} error: mail server down (while handling: pipeline failed)`,
        `hook ${sb.hooksDir}/10-finally failed at ${op} finally: exit code 2 (while handling: pipeline failed)`,
      ]);
    });

    test("when only a finally hook fails, the operation fails with that HookError", async () => {
      sb = sandbox();
      const task = hooks("task t1", { [op]: { finally: [function restart() { throw new Error("unit not found"); }], error: [tsRecorder(sb, "alert")] } });
      const err = await runOperation(runner(sb, { op, task }), {}, body()).catch((e) => e);
      expect(err).toBeInstanceOf(HookError);
      expect(err.message).toBe(`hook "restart" (task t1) failed at ${op} finally: unit not found`);
      expect(sb.lines()).toEqual(["body writes copy"]);
    });

    test("a refused hooks directory fails before any hook or the body runs", async () => {
      sb = sandbox();
      const bad = sb.script("10-bad", recorder("bad"), 0o757);
      const err = await runOperation(runner(sb, { op, ...everywhere(op) }), {}, body()).catch((e) => e);
      expect(err).toBeInstanceOf(HookError);
      expect(err.hook).toBe(bad);
      expect(sb.lines()).toEqual([]);
    });

    test("facts learnt by the body (prefix, location) reach later hooks", async () => {
      sb = sandbox();
      sb.script("10-where", `#!/bin/sh\necho "$2 \${PALHM_PREFIX-?} \${PALHM_LOCATION-?}" >> "$JOURNAL"\n`);
      const facts: { prefix?: string; location?: string } = {};
      await runOperation(runner(sb, { op }), facts, async (inspect) => {
        Object.assign(facts, { prefix: "2022-05-01T06:59:17+00:00", location: "/b/2022-05-01T06:59:17+00:00" });
        await inspect();
      });
      expect(sb.lines()).toEqual([
        "pre ? ?",
        "inspect 2022-05-01T06:59:17+00:00 /b/2022-05-01T06:59:17+00:00",
        "post 2022-05-01T06:59:17+00:00 /b/2022-05-01T06:59:17+00:00",
        "finally 2022-05-01T06:59:17+00:00 /b/2022-05-01T06:59:17+00:00",
      ]);
    });
  });
}
