import { describe, expect, test } from "bun:test";
import { CRITICAL, OK, UNKNOWN, WARNING, checkTask, formatChecks, worst } from "../../src/monitor/check.ts";
import type { StatusRecord } from "../../src/monitor/record.ts";

const now = new Date("2026-11-30T12:00:00Z");
const H = 3_600_000;
const thresholds = { warnAfterMs: 26 * H, critAfterMs: 50 * H };
const record = (over: Partial<StatusRecord>): StatusRecord => ({
  format: 1, task: "backup", type: "backup", host: "h", pid: 1, start: "2026-11-30T03:00:00.000Z", end: "2026-11-30T03:01:00.000Z",
  outcome: "success", bytes: 1, objects: 1, prefix: "2026-11-30T03:00:00+00:00", ...over,
});

describe("palhm status verdicts", () => {
  test("the age of the last success against warnAfter and critAfter", () => {
    expect(checkTask("backup", record({}), thresholds, now).code).toBe(OK);
    expect(checkTask("backup", record({ end: "2026-11-29T09:00:00.000Z" }), thresholds, now).code).toBe(WARNING);
    expect(checkTask("backup", record({ end: "2026-11-28T09:00:00.000Z" }), thresholds, now).code).toBe(CRITICAL);
  });

  test("a failure after a fresh success is WARNING; a failure with an old success is CRITICAL", () => {
    const failed = (end: string) => record({ outcome: "failure", error: { code: "EEXEC", message: "pg_dump failed\nmore" }, lastSuccess: { end } });
    const fresh = checkTask("backup", failed("2026-11-30T03:00:00.000Z"), thresholds, now);
    expect(fresh.code).toBe(WARNING);
    expect(fresh.summary).toContain("last run failed at 2026-11-30T03:01:00.000Z: pg_dump failed");
    expect(checkTask("backup", failed("2026-11-27T03:00:00.000Z"), thresholds, now).code).toBe(CRITICAL);
  });

  test("never succeeded: CRITICAL with critAfter set, WARNING without thresholds; no record at all: UNKNOWN", () => {
    const never = record({ outcome: "failure", error: { code: "EEXEC", message: "x" } });
    expect(checkTask("backup", never, thresholds, now).code).toBe(CRITICAL);
    expect(checkTask("backup", never, { warnAfterMs: null, critAfterMs: null }, now).code).toBe(WARNING);
    expect(checkTask("backup", null, thresholds, now).code).toBe(UNKNOWN);
  });

  test("a run in progress is judged by the last success; a success dated in the future and copies from the future are WARNING", () => {
    const running = checkTask("backup", record({ outcome: "running", end: undefined, lastSuccess: { end: "2026-11-30T03:00:00.000Z" } }), thresholds, now);
    expect(running.code).toBe(OK);
    expect(running.summary).toContain("running since");
    const ahead = checkTask("backup", record({ end: "2027-01-01T00:00:00.000Z" }), thresholds, now);
    expect(ahead.code).toBe(WARNING);
    expect(ahead.summary).toContain("is the clock right?");
    expect(checkTask("backup", record({ futureCopies: ["9999-12-31T23:59:59+00:00"] }), thresholds, now).code).toBe(WARNING);
  });

  test("the worst task decides: CRITICAL over UNKNOWN over WARNING over OK", () => {
    expect(worst([OK, WARNING, UNKNOWN])).toBe(UNKNOWN);
    expect(worst([UNKNOWN, CRITICAL, WARNING])).toBe(CRITICAL);
    const out = formatChecks([checkTask("a", record({ task: "a" }), thresholds, now), checkTask("b", null, thresholds, now)]);
    expect(out.code).toBe(UNKNOWN);
    expect(out.text.split("\n")[0]).toBe("PALHM UNKNOWN - 2 tasks, not OK: b");
  });
});
