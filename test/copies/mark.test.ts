/** Marks as this version writes them and as earlier versions left them on disk and in buckets. */
import { describe, expect, test } from "bun:test";
import { hostname } from "node:os";
import { decodeMark, encodeMark, newMark, writerAlive } from "../../src/copies/mark.ts";

const text = (s: string) => new TextEncoder().encode(s);

describe("copy marks", () => {
  test("this version's mark names task, host, pid and boot, and reads back", () => {
    const m = newMark("web");
    expect(decodeMark(encodeMark(m))).toEqual(m);
    expect(m).toMatchObject({ task: "web", host: hostname(), pid: process.pid });
  });

  test("an earlier S3 mark (a line of text) still names its task, host and pid", () => {
    expect(decodeMark(text("palhm is writing this copy: task db-nightly, host web1, pid 4242\n"))).toEqual({ task: "db-nightly", host: "web1", pid: 4242 });
  });

  test("marks that name no task (earlier removal marks, empty or unreadable ones) say nothing: the finder owns the copy, its writer counts as gone", () => {
    for (const m of ["palhm is removing this copy (rotation), pid 12\n", "", "{}", "\u0000garbage"]) {
      const mark = decodeMark(text(m));
      expect(mark.task).toBeUndefined();
      expect(writerAlive(mark)).toBe(false);
    }
  });

  test("a writer is alive only on this host and boot, with its pid running", () => {
    const self = { host: "h", bootId: "b1" };
    const dead = Bun.spawnSync(["true"]).pid;
    expect(writerAlive({ host: "h", bootId: "b1", pid: process.pid }, self)).toBe(true);
    expect(writerAlive({ host: "h", bootId: "b1", pid: dead }, self)).toBe(false);
    expect(writerAlive({ host: "h", bootId: "b0", pid: process.pid }, self)).toBe(false);
    expect(writerAlive({ host: "other", bootId: "b1", pid: process.pid }, self)).toBe(false);
  });
});
