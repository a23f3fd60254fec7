import { describe, expect, test } from "bun:test";
import { backupSummary } from "../../src/ui/report.ts";

const objects = [{ path: "a", size: 2048, sha256: "0".repeat(64), durationMs: 10 }];

describe("the summary line of a backup run", () => {
  test("names the copy and what rotation removed", () => {
    const line = backupSummary({ task: "backup", prefix: "2022-05-01T06:59:17+00:00", location: "/b/2022-05-01T06:59:17+00:00", objects, removed: ["2022-04-30T06:59:17+00:00"], durationMs: 1000 });
    expect(line).toBe("task backup: 1 object, 2.0 KiB in 1.0s (2.0 KiB/s); copy 2022-05-01T06:59:17+00:00; rotation removed 1 copy (2022-04-30T06:59:17+00:00)");
  });

  test("copies left incomplete by a dead run are named apart from rotation", () => {
    const line = backupSummary({ task: "backup", prefix: "2022-05-01T06:59:17+00:00", location: "/b/2022-05-01T06:59:17+00:00", objects, removed: [], leftovers: ["2022-04-30T06:59:17+00:00"], durationMs: 1000 });
    expect(line).toEndWith("; rotation removed nothing, earlier copies kept; removed 1 incomplete copy left by a run that died (2022-04-30T06:59:17+00:00)");
  });

  test("a task whose backend keeps nothing (a check) keeps no copy, and says so instead of naming one", () => {
    const line = backupSummary({ task: "check-dnssec", prefix: "2022-05-01T06:59:17+00:00", location: "(discarded)", objects, removed: [], discarded: true, durationMs: 1000 });
    expect(line).toEndWith("; output discarded (the backend keeps nothing)");
    expect(line).not.toContain("copy");
    expect(line).not.toContain("rotation");
  });
});
