// The status record of a run stopped by SIGTERM: written as "interrupted", with the last success kept.
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { project, start } from "../engine/run/_cli.ts";

const dir = mkdtempSync(join(tmpdir(), "palhm-monitor-int-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("SIGTERM during a run leaves an 'interrupted' status record", async () => {
  const statusDir = join(dir, "status");
  const p = project(dir, `{
    statusDir: ${JSON.stringify(statusDir)},
    tasks: { backup: { type: "backup", backend: { type: "localfs", root: ${JSON.stringify(join(dir, "b"))} },
      objects: [{ path: "slow", pipeline: [{ argv: ["sleep", "60"] }] }] } },
  }`);
  const proc = start(p, ["run", "backup"]);
  try {
    const file = join(statusDir, "backup.status.json");
    const deadline = Date.now() + 60_000;
    while (!(existsSync(file) && JSON.parse(readFileSync(file, "utf8")).outcome === "running")) {
      if (Date.now() > deadline) throw new Error("no 'running' record within 60 s");
      await Bun.sleep(50);
    }
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(143);
    const record = JSON.parse(readFileSync(file, "utf8"));
    expect(record.outcome).toBe("interrupted");
    expect(record.error.code).toBe("EINTR");
    expect(Date.parse(record.end)).toBeGreaterThanOrEqual(Date.parse(record.start));
  } finally {
    proc.kill("SIGKILL");
  }
});
