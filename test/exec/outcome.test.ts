import { describe, expect, test } from "bun:test";
import { judgeOutcomes, type ProcessOutcome } from "../../src/exec/outcome.ts";
import { ex } from "../_support/context.ts";

const o = (argv: string[], exitCode: number | null, signalCode: string | null = null, over: Partial<ProcessOutcome> = {}): ProcessOutcome =>
  ({ exec: ex(argv, { ec: (over as { ec?: string }).ec }), exitCode, signalCode, stopped: false, ...over });

describe("judging a pipeline's exits", () => {
  test("all within range: no error", () => {
    expect(judgeOutcomes([o(["tar"], 0), o(["zstd"], 0)])).toBeNull();
  });

  test("exit 141 (a shell whose child got SIGPIPE) upstream of a failure is a consequence, the root cause comes first", () => {
    const e = judgeOutcomes([o(["sh", "-c", "tar c / | cat"], 141), o(["gpg", "-e"], 2)], { label: "object x" });
    expect(e?.message).toBe("object x: `gpg -e` exited with code 2 (accepted: ==0); `sh -c 'tar c / | cat'` exited with code 141 because `gpg -e` failed");
    expect(e?.argv).toEqual(["gpg", "-e"]);
    expect(e?.exitStatus).toBe(2);
  });

  test("SIGPIPE with nothing failing after it is itself the cause, and says why", () => {
    const e = judgeOutcomes([o(["yes"], null, "SIGPIPE"), o(["head", "-1"], 0)]);
    expect(e?.message).toBe("`yes` was killed by SIGPIPE (a later process stopped reading its output)");
  });

  test("processes palhm stopped are consequences of the real failure", () => {
    const e = judgeOutcomes([o(["sleep", "60"], null, "SIGTERM", { stopped: true }), o(["false"], 1)]);
    expect(e?.message).toBe("`false` exited with code 1 (accepted: ==0); `sleep 60` was killed by SIGTERM when palhm stopped the pipeline");
  });

  test("when the sink failed, deaths by SIGPIPE or by palhm's stop are not reported as a process failure", () => {
    expect(judgeOutcomes([o(["yes"], null, "SIGPIPE", { stopped: true })], { sinkFailed: true })).toBeNull();
  });

  test("a program that cannot be started is always a root cause", () => {
    const e = judgeOutcomes([o(["cat"], null, "SIGTERM", { stopped: true }), { ...o(["nope"], null), spawnError: new Error("program not found") }]);
    expect(e?.message).toBe("`nope` could not be started: program not found; `cat` was killed by SIGTERM when palhm stopped the pipeline");
  });
});
