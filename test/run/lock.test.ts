import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { acquireLock, bootId, lockPath, procStart, type LockOwner } from "../../src/run/lock.ts";
import { LockError } from "../../src/errors.ts";
import { recordingLog } from "../_support/context.ts";
import { fileTempDir } from "../_support/tmp.ts";

const base = fileTempDir("run-lock");
let n = 0;
const dir = () => join(base, `locks${++n}`);

/** The pid of a process that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const p = Bun.spawn(["true"]);
  await p.exited;
  return p.pid;
}

function plant(d: string, key: string, owner: Partial<LockOwner>): string {
  mkdirSync(d, { recursive: true });
  const path = lockPath(key, d);
  writeFileSync(path, JSON.stringify({ pid: 1, bootId: bootId(), startTime: "2020-01-01T00:00:00.000Z", procStart: "", key, ...owner }));
  return path;
}

describe("run lock", () => {
  test("records the owner's pid, boot id and start time, and is released", () => {
    const { log } = recordingLog();
    const d = dir();
    const lock = acquireLock("task\0a", "task a", log, d);
    const owner = JSON.parse(readFileSync(lock.path, "utf8")) as LockOwner;
    expect(owner.pid).toBe(process.pid);
    expect(owner.bootId).toBe(readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim());
    expect(owner.procStart).toBe(procStart(process.pid)!);
    expect(Date.parse(owner.startTime)).toBeGreaterThan(Date.now() - 60_000);
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
  });

  test("a second acquisition of a held lock fails at once, naming the holder", () => {
    const { log } = recordingLog();
    const d = dir();
    const lock = acquireLock("k", "task a", log, d);
    let err: unknown;
    try {
      acquireLock("k", "task a", log, d);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LockError);
    expect((err as LockError).exitCode).toBe(75);
    expect((err as Error).message).toContain(`pid ${process.pid}`);
    lock.release();
    acquireLock("k", "task a", log, d).release();
  });

  test("different keys do not block each other", () => {
    const { log } = recordingLog();
    const d = dir();
    const a = acquireLock("task a on /x", "a", log, d);
    const b = acquireLock("task a on /y", "a", log, d);
    a.release();
    b.release();
  });

  test("a lock whose process is gone is taken over, saying so at error level (shown under -q: a run died)", async () => {
    const { log, lines } = recordingLog();
    const d = dir();
    const pid = await deadPid();
    plant(d, "k", { pid });
    const lock = acquireLock("k", "task a", log, d);
    expect(JSON.parse(readFileSync(lock.path, "utf8")).pid).toBe(process.pid);
    expect(lines.some((l) => l.type === "error" && l.text.includes(`process ${pid} is gone`))).toBe(true);
    lock.release();
  });

  test("a lock taken in another boot is taken over even if its pid is alive now", () => {
    const { log, lines } = recordingLog();
    const d = dir();
    plant(d, "k", { pid: process.pid, bootId: "00000000-0000-0000-0000-000000000000" });
    const lock = acquireLock("k", "task a", log, d);
    expect(lines.some((l) => l.type === "error" && l.text.includes("another boot"))).toBe(true);
    lock.release();
  });

  test("a lock whose pid now belongs to another process is taken over", () => {
    const { log, lines } = recordingLog();
    const d = dir();
    plant(d, "k", { pid: process.pid, procStart: "1" });
    const lock = acquireLock("k", "task a", log, d);
    expect(lines.some((l) => l.text.includes("belongs to another process"))).toBe(true);
    lock.release();
  });

  test("release leaves alone a lock another run has taken over since", () => {
    const { log } = recordingLog();
    const d = dir();
    const lock = acquireLock("k", "task a", log, d);
    writeFileSync(lock.path, JSON.stringify({ pid: 12345, bootId: bootId(), startTime: "x", procStart: "", key: "k" }));
    lock.release();
    expect(existsSync(lock.path)).toBe(true);
  });
});
