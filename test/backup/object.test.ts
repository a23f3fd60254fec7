/**
 * How an object's bytes reach its store: straight from the last process into
 * the object's file where the store keeps one (localfs), through palhm's
 * reading thread otherwise; the manifest's size and SHA-256, the file's mode,
 * the progress rows and the failures the same either way.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { tmpfsFor } from "../_support/tmpfs.ts";
import { closeSync, lstatSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { runBackup } from "../../src/backup/run.ts";
import { storeObject } from "../../src/backup/object.ts";
import { decodeManifest } from "../../src/backup/manifest.ts";
import { MANIFEST_NAME } from "../../src/copies/names.ts";
import { ExecError } from "../../src/errors.ts";
import type { Sink } from "../../src/backends/store.ts";
import type { Progress } from "../../src/ui/progress.ts";
import { ex, sh } from "../_support/context.ts";
import { localfs, backupContext, task } from "../_support/backup.ts";
import { fileTempDir } from "../_support/tmp.ts";

const base = fileTempDir("backup-object");
let n = 0;
const fresh = (name: string) => join(base, `${name}${n++}`);
const sha256 = (bytes: Uint8Array) => new Bun.CryptoHasher("sha256").update(bytes).digest("hex");

/** The last process records what its stdout is, then copies its stdin there. */
const recordStdout = (where: string) => sh(`l=$(readlink /proc/$$/fd/1); echo "$l" > "$0"; exec cat`, {}, where);

describe("on localfs the last process writes straight into the object's file", () => {
  test("its stdout is the object's file; the manifest has the file's size and SHA-256; fmode applies", async () => {
    const root = fresh("root");
    const where = fresh("stdout-of-last");
    const t = task(localfs(root, { fmode: 0o604 }), [{ path: "db/numbers", pipeline: [ex(["seq", "1", "300000"]), recordStdout(where)] }]);
    const r = await runBackup(t, backupContext(t).ctx);
    const file = join(root, r.prefix, "db/numbers");
    expect(readFileSync(where, "utf8").trim()).toBe(file);
    const bytes = readFileSync(file);
    expect(bytes.toString()).toBe(Bun.spawnSync(["seq", "1", "300000"]).stdout.toString());
    const m = decodeManifest(readFileSync(join(root, r.prefix, MANIFEST_NAME)));
    expect(m.objects).toEqual([{ path: "db/numbers", size: bytes.byteLength, sha256: sha256(bytes) }]);
    expect(lstatSync(file).mode & 0o777).toBe(0o604);
  });

  test("with allocSize far above the object, it ends exactly as long as what was written, blocks given back", async () => {
    const root = fresh("root");
    const t = task(localfs(root), [{ path: "small", pipeline: [ex(["head", "-c", "100000", "/dev/urandom"])], allocSize: 64_000_000n }]);
    const r = await runBackup(t, backupContext(t).ctx);
    const file = join(root, r.prefix, "small");
    const st = lstatSync(file);
    expect(st.size).toBe(100_000);
    expect(st.blocks * 512).toBeLessThan(8_000_000);
    expect(r.objects[0]).toMatchObject({ size: 100_000, sha256: sha256(readFileSync(file)) });
  });

  test("a process failing after writing part of the object fails the run naming it, and the copy is rolled back", async () => {
    const root = fresh("root");
    const t = task(localfs(root), [{ path: "half", pipeline: [sh("head -c 3000000 /dev/zero; exit 4")] }]);
    const e = await runBackup(t, backupContext(t).ctx).catch((e) => e);
    expect(e).toBeInstanceOf(ExecError);
    expect(e.message).toContain(`object "half"`);
    expect(e.message).toContain("exited with code 4");
    expect(readdirSync(root)).toEqual([]);
  });
});

describe("a store without a file gets the bytes through palhm", () => {
  test("the last process writes into a pipe; the sink sees every byte in order; size and SHA-256 as stored", async () => {
    const where = fresh("stdout-of-last");
    const written: Buffer[] = [];
    const sink: Sink = { write: (c) => void written.push(Buffer.from(c)), close: async () => {}, abort: async () => {} };
    const rows: number[] = [];
    const stored = await storeObject({ path: "o", group: "default", pipeline: [ex(["seq", "1", "500000"]), recordStdout(where)] }, sink, ctx(rows));
    expect(readFileSync(where, "utf8").trim()).toMatch(/^pipe:\[\d+\]$/);
    const bytes = Buffer.concat(written);
    expect(bytes.toString()).toBe(Bun.spawnSync(["seq", "1", "500000"]).stdout.toString());
    expect(stored).toEqual({ size: bytes.byteLength, sha256: sha256(bytes) });
    expect(rows.reduce((a, b) => a + b, 0)).toBe(bytes.byteLength);
  });
});

describe("progress", () => {
  test("the row of an object written straight into its file counts every byte of it", async () => {
    const file = fresh("object");
    const fd = openSync(file, "wx", 0o600);
    const rows: number[] = [];
    try {
      const sink: Sink = { fd, write: () => { throw new Error("not called on the fd path"); }, close: async () => {}, abort: async () => {} };
      const stored = await storeObject({ path: "o", group: "default", pipeline: [ex(["head", "-c", "7000000", "/dev/urandom"])] }, sink, ctx(rows));
      expect(stored).toEqual({ size: 7_000_000, sha256: sha256(readFileSync(file)) });
    } finally {
      closeSync(fd);
    }
    expect(rows.reduce((a, b) => a + b, 0)).toBe(7_000_000);
  });
});

describe("a full file system met by the last process", () => {
  const fs = tmpfsFor(fresh("tmpfs"), "256k");
  const mnt = fs.path;

  test.skipIf(fs.cannotMount !== null)("is reported as the storage's ENOSPC naming the object, not as the program's failure; the probe that found it is cut off again", async () => {
    const file = join(mnt, "object");
    const fd = openSync(file, "wx", 0o600);
    try {
      const sink: Sink = { fd, write: () => {}, close: async () => {}, abort: async () => {} };
      const e = await storeObject({ path: "big", group: "default", pipeline: [ex(["head", "-c", "1000000", "/dev/zero"])] }, sink, ctx([], "big")).catch((e) => e);
      expect(e.message).toStartWith(`task t, object "big": storing into ${base} failed: ENOSPC: no space left on device`);
      expect(e.cause).toBeDefined();
      expect(lstatSync(file).size).toBeLessThan(1_000_000);
      expect(lstatSync(file).size % 4096).toBe(0);
    } finally {
      closeSync(fd);
    }
  });
});

function ctx(rows: number[], path = "o") {
  const progress: Progress = {
    objectQueued() {},
    objectStarted() {},
    objectBytes: (_p, bytes) => void rows.push(bytes),
    objectFinished() {},
    stop() {},
  };
  return { signal: new AbortController().signal, verbosity: 0, label: `task t, object "${path}"`, location: base, progress, live: true };
}
