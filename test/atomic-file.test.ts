import { describe, expect, test } from "bun:test";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { replaceFile } from "../src/atomic-file.ts";
import { tempDir } from "./_support/tmp.ts";

describe("replaceFile", () => {
  test("writes text, bytes or a copy with the mode asked for whatever the umask, making the parents; nothing else is left in the directory", () => {
    using tmp = tempDir("atomic");
    const old = process.umask(0o077);
    try {
      replaceFile(tmp.path("a/b/unit.timer"), "[Timer]\n");
      replaceFile(tmp.path("a/bin"), new Uint8Array([1, 2, 3]), 0o755);
      replaceFile(tmp.path("a/copy"), { copyOf: tmp.path("a/bin") }, 0o700);
    } finally {
      process.umask(old);
    }
    expect(readFileSync(tmp.path("a/b/unit.timer"), "utf8")).toBe("[Timer]\n");
    expect(statSync(tmp.path("a/b/unit.timer")).mode & 0o777).toBe(0o644);
    expect(statSync(tmp.path("a/bin")).mode & 0o777).toBe(0o755);
    expect([...readFileSync(tmp.path("a/copy"))]).toEqual([1, 2, 3]);
    expect(statSync(tmp.path("a/copy")).mode & 0o777).toBe(0o700);
    expect(readdirSync(tmp.path("a")).sort()).toEqual(["b", "bin", "copy"]);
  });

  test("a failure leaves what was there as it was and no temp file behind", () => {
    using tmp = tempDir("atomic");
    // The temp file is written, then the rename over a directory fails.
    const target = tmp.path("units");
    mkdirSync(target);
    writeFileSync(join(target, "kept"), "old\n");
    expect(() => replaceFile(target, "new\n")).toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(readFileSync(join(target, "kept"), "utf8")).toBe("old\n");
    expect(readdirSync(tmp.dir)).toEqual(["units"]);
  });
});
