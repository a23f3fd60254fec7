import { describe, expect, test } from "bun:test";
import { formatBytes, formatDuration, formatElapsed, formatRate } from "../../src/ui/format.ts";
import { createTerminalProgress, renderProgress } from "../../src/ui/progress.ts";

describe("progress formatting", () => {
  test("sizes in binary units", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1023)).toBe("1023 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(12.3 * 1024 * 1024)).toBe("12.3 MiB");
    expect(formatBytes(5n * 1024n ** 4n)).toBe("5.0 TiB");
  });
  test("rate and times", () => {
    expect(formatRate(25 * 1024 * 1024, 2000)).toBe("12.5 MiB/s");
    expect(formatRate(100, 0)).toBe("-");
    expect(formatElapsed(65_000)).toBe("01:05");
    expect(formatElapsed(3_725_000)).toBe("1:02:05");
    expect(formatDuration(12_345)).toBe("12.3s");
    expect(formatDuration(44.6)).toBe("45ms");
    expect(formatDuration(245_000)).toBe("4m05s");
  });
  test("a row shows state, bytes, rate, elapsed and the object path", () => {
    const [line] = renderProgress([{ path: "db/all.sql.zst", state: "running", bytes: 10 * 1024 * 1024, startedAt: 0 }], 4000);
    expect(line).toMatch(/^running\s+10\.0 MiB\s+2\.5 MiB\/s\s+00:04  db\/all\.sql\.zst$/);
  });
});

describe("terminal progress", () => {
  test("redraws rows in place, and leaves the final state drawn when stopped", () => {
    let t = 0;
    let out = "";
    const p = createTerminalProgress({ out: { write: (s: string) => (out += s) }, intervalMs: 1e9, now: () => t });
    p.objectQueued("a");
    p.objectStarted("a");
    p.objectBytes("a", 2048);
    t = 1000;
    p.redraw();
    expect(out).toBe("\r\x1b[2K" + renderProgress([{ path: "a", state: "running", bytes: 2048, startedAt: 0 }], 1000, 99)[0] + "\n");
    out = "";
    p.objectFinished("a", false);
    p.redraw();
    expect(out.startsWith("\x1b[1A\r\x1b[2Kfailed ")).toBe(true);
    out = "";
    p.stop();
    const final = renderProgress([{ path: "a", state: "failed", bytes: 2048, startedAt: 0, endedAt: 1000 }], 1000, 99)[0];
    expect(out).toBe("\x1b[1A\r\x1b[2K" + final + "\n");
    out = "";
    p.stop();
    expect(out).toBe("");
  });
});
