/** The shipped crontab, copied as it is next to the starter config: every active line runs something that config has. */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load.ts";

const CONFIG = join(import.meta.dir, "../../config");

describe("config/cron/palhm", () => {
  test("its active lines run only tasks of the starter config (no hourly 'unknown task' mail)", async () => {
    const starter = await loadConfig({ file: join(CONFIG, "starter/palhm.config.ts"), env: {} });
    const active = readFileSync(join(CONFIG, "cron/palhm"), "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "" && !l.startsWith("#") && !/^[A-Z_]+=/.test(l));
    expect(active.length).toBeGreaterThan(1);
    const ran = active.map((l) => l.match(/palhm -q (.*)$/)![1]!);
    for (const command of ran) {
      const task = command.match(/^run (\S+)$/)?.[1];
      if (task !== undefined) expect([...starter.tasks.keys()]).toContain(task);
      else expect(command).toBe("boot-report");
    }
    expect(ran).toContain("run backup");
  });
});
