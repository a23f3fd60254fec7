// The status record of a run stopped by SIGTERM ("interrupted"), and of one killed outright (still "running",
// which `palhm status` sees through: its process is gone).
import { expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { project, type Project } from "../_support/cli.ts";
import { palhm } from "../_support/cli.ts";
import { fileTempDir } from "../_support/tmp.ts";

const dir = fileTempDir("monitor-int");

async function untilRunning(file: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(existsSync(file) && JSON.parse(readFileSync(file, "utf8")).outcome === "running")) {
    if (Date.now() > deadline) throw new Error("no 'running' record within 60 s");
    await Bun.sleep(50);
  }
}

function slowProject(name: string): { p: Project; file: string } {
  const statusDir = join(dir, name, "status");
  const p = project(join(dir, name), `{
    statusDir: ${JSON.stringify(statusDir)},
    status: { critAfter: "1h" },
    tasks: { backup: { type: "backup", backend: { type: "localfs", root: ${JSON.stringify(join(dir, name, "b"))} },
      objects: [{ path: "slow", pipeline: [{ argv: ["sleep", "60"] }] }] } },
  }`);
  return { p, file: join(statusDir, "backup.status.json") };
}

test("a run killed with SIGKILL leaves a 'running' record that palhm status reports as died", async () => {
  const { p, file } = slowProject("killed");
  const proc = p.start(["run", "backup"]);
  try {
    await untilRunning(file);
    proc.kill("SIGKILL");
    await proc.exited;
  } finally {
    proc.kill("SIGKILL");
  }
  expect(JSON.parse(readFileSync(file, "utf8")).outcome).toBe("running");
  const r = await palhm(["-f", p.config, "status", "backup"], { env: { PALHM_LOCK_DIR: p.locks } });
  expect(r.status).toBe(2); // never succeeded, critAfter set
  expect(r.stdout).toContain("died without recording its end");
}, 90_000);

test("SIGTERM during a run leaves an 'interrupted' status record", async () => {
  const { p, file } = slowProject("terminated");
  const proc = p.start(["run", "backup"]);
  try {
    await untilRunning(file);
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(143);
    const record = JSON.parse(readFileSync(file, "utf8"));
    expect(record.outcome).toBe("interrupted");
    expect(record.error.code).toBe("EINTR");
    expect(Date.parse(record.end)).toBeGreaterThanOrEqual(Date.parse(record.start));
  } finally {
    proc.kill("SIGKILL");
  }
}, 90_000);
