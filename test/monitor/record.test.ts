/** Status records are written whole or not at all: a write the file system refuses leaves no temporary file behind. */
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recordPath, writeRecord } from "../../src/monitor/record.ts";

const base = mkdtempSync(join(tmpdir(), "palhm-record-"));
afterAll(() => rmSync(base, { recursive: true, force: true }));

test("a record that cannot be put in place (a folder has its name) fails and leaves only what was there", () => {
  const dir = join(base, "status");
  mkdirSync(recordPath(dir, "web"), { recursive: true });
  const before = readdirSync(dir).sort();
  expect(() => writeRecord(dir, { format: 1, task: "web", type: "backup", host: "h", pid: 1, start: "2026-01-01T00:00:00Z", outcome: "running", bytes: 0, objects: 0 })).toThrow();
  expect(readdirSync(dir).sort()).toEqual(before);
});
