// `palhm status` through the real CLI: the status records real runs leave, judged as a Nagios/Icinga check.
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { project } from "./_project.ts";

const p = project(`{
  statusDir: STATUS_DIR,
  status: { warnAfter: process.env.WARN, critAfter: process.env.CRIT },
  tasks: {
    backup: {
      type: "backup",
      backend: { type: "localfs", root: ROOT },
      objects: [{ path: "data", pipeline: [{ argv: ["sh", "-c", process.env.FAIL ? "echo disk on fire >&2; exit 3" : "seq 1000"] }] }],
    },
    idle: { type: "routine", steps: [], status: { critAfter: "1h" } },
  },
}`);
afterAll(() => rmSync(p.dir, { recursive: true, force: true }));

const record = (task: string) => JSON.parse(readFileSync(join(p.statusDir, `${task}.status.json`), "utf8"));

describe("palhm status", () => {
  test("exit codes 0/1/2/3 follow the age of the last success, the last run's outcome and missing records", async () => {
    expect((await p.run(["run", "backup"])).status).toBe(0);
    const first = record("backup");
    expect(first).toMatchObject({ task: "backup", outcome: "success", objects: 1, bytes: 3893, committed: true });
    expect(first.prefix).toBe(readdirSync(p.root)[0]);
    expect(Date.parse(first.end)).toBeGreaterThanOrEqual(Date.parse(first.start));

    const ok = await p.run(["status", "backup"], { WARN: "26h", CRIT: "50h" });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toStartWith("PALHM OK - 1 task");
    expect(ok.stdout).toContain(`copy ${first.prefix}`);

    const warn = await p.run(["status", "backup"], { WARN: "0s", CRIT: "50h" });
    expect(warn.status).toBe(1);
    expect(warn.stdout).toContain("[WARNING] backup:");
    expect(warn.stdout).toContain("older than warnAfter");

    const crit = await p.run(["status", "backup"], { WARN: "0s", CRIT: "0s" });
    expect(crit.status).toBe(2);
    expect(crit.stdout).toStartWith("PALHM CRITICAL");

    // a task that never ran: UNKNOWN, and it is what `status` with no task names reports too
    const never = await p.run(["status", "idle"]);
    expect(never.status).toBe(3);
    expect(never.stdout).toContain("no run recorded");
    expect((await p.run(["status"], { WARN: "26h" })).status).toBe(3);
  });

  test("a failed run is WARNING while the last success is fresh, and the record keeps that success and the failure's stderr", async () => {
    const before = record("backup");
    const failed = await p.run(["-q", "run", "backup"], { FAIL: "1" });
    expect(failed.status).toBe(1);
    const after = record("backup");
    expect(after.outcome).toBe("failure");
    expect(after.error.code).toBe("EEXEC");
    expect(after.error.stderrTail).toContain("disk on fire");
    expect(after.lastSuccess).toEqual({ end: before.end, prefix: before.prefix, location: before.location });

    const r = await p.run(["status", "--json", "backup"], { WARN: "26h", CRIT: "50h" });
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.status).toBe("WARNING");
    expect(doc.tasks[0].lastRun.outcome).toBe("failure");
    expect(doc.tasks[0].lastSuccess.prefix).toBe(before.prefix);
    expect(doc.tasks[0].summary).toContain("last run failed");
  });

  test("a damaged record, an unknown task and a broken config are UNKNOWN (3), not a crash", async () => {
    writeFileSync(join(p.statusDir, "idle.status.json"), "{ half a rec");
    const damaged = await p.run(["status", "idle"]);
    expect(damaged.status).toBe(3);
    expect(damaged.stdout).toContain("damaged");
    const unknown = await p.run(["status", "nope"]);
    expect(unknown.status).toBe(3);
    expect(unknown.stdout).toContain('unknown task "nope"');
    const badConfig = await p.run(["status"], { WARN: "soon" });
    expect(badConfig.status).toBe(3);
    expect(badConfig.stdout).toContain("status.warnAfter");
    expect(badConfig.stderr).not.toContain("internal error");
  });
});
