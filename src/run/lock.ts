/**
 * One run at a time per task and backend root.
 *
 * The lock is a file named by the SHA-256 of its key (task id + the backend
 * root's lock key) in `$PALHM_LOCK_DIR`, else `/run/lock/palhm/` if it can be
 * written, else `$XDG_RUNTIME_DIR/palhm-locks/` or `$TMPDIR/palhm-locks/`.
 * It holds the owner's pid, boot id and start time, and is created
 * atomically: written under a private name, then hard-linked to its real
 * name, which fails if the name exists. A lock whose process is gone, or
 * that was taken in another boot, is taken over with a warning; so is one
 * whose process is a zombie (dead, not yet reaped by its parent).
 */
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync, accessSync, constants } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LockError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { bootId } from "../host.ts";

/** What a lock file holds. */
export interface LockOwner {
  readonly pid: number;
  readonly bootId: string;
  /** When the run started, ISO-8601. */
  readonly startTime: string;
  /** The process's start time in clock ticks since boot (/proc/PID/stat field 22): tells a reused pid apart. */
  readonly procStart: string;
  readonly key: string;
}

export interface Lock {
  readonly path: string;
  release(): void;
}

export function lockDir(env: Record<string, string | undefined> = process.env): string {
  if (env.PALHM_LOCK_DIR) return env.PALHM_LOCK_DIR;
  const sys = "/run/lock/palhm";
  try {
    mkdirSync(sys, { recursive: true, mode: 0o755 });
    accessSync(sys, constants.W_OK);
    return sys;
  } catch {
    return join(env.XDG_RUNTIME_DIR || tmpdir(), "palhm-locks");
  }
}

export function lockPath(key: string, dir: string = lockDir()): string {
  return join(dir, new Bun.CryptoHasher("sha256").update(key).digest("hex") + ".lock");
}

export { bootId };

export function procStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: fields after it start past the last ')'.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

/** A process that exists and is not a zombie: a dead run its parent has not reaped yet holds nothing. */
function _alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  return _state(pid) !== "Z";
}

/** The process state letter of /proc/PID/stat (R, S, D, Z...), or null when it cannot be read. */
function _state(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) || null;
  } catch {
    return null;
  }
}

/** Why a recorded owner no longer holds the lock, or null if it does. */
export function staleReason(owner: LockOwner, currentBoot: string = bootId()): string | null {
  if (owner.bootId && currentBoot && owner.bootId !== currentBoot) return `it was taken in another boot (${owner.bootId})`;
  if (!_alive(owner.pid)) return _state(owner.pid) === "Z" ? `its process ${owner.pid} is dead (a zombie its parent has not reaped)` : `its process ${owner.pid} is gone`;
  const start = procStart(owner.pid);
  if (owner.procStart && start && start !== owner.procStart) return `its pid ${owner.pid} now belongs to another process`;
  return null;
}

function _read(path: string): LockOwner | null {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as LockOwner;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    // Unreadable or torn content: treat as a lock of a dead run.
    return { pid: 0, bootId: "", startTime: "?", procStart: "", key: "?" };
  }
}

function _describe(owner: LockOwner): string {
  return `pid ${owner.pid}, started ${owner.startTime}`;
}

/** Creates `path` atomically with `content`: a hard link of the written `tmp`, or O_EXCL where links are not supported. */
function _create(tmp: string, path: string, content: string): void {
  try {
    linkSync(tmp, path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP") throw e;
    writeFileSync(path, content, { flag: "wx", mode: 0o644 });
  }
}

/**
 * Takes the lock for `key`, or throws LockError naming the running process.
 * `what` names the locked thing in messages, e.g. `task "backup" on /var/backup`.
 */
export function acquireLock(key: string, what: string, log: Logger, dir: string = lockDir()): Lock {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const path = lockPath(key, dir);
  const me: LockOwner = {
    pid: process.pid,
    bootId: bootId(),
    startTime: new Date().toISOString(),
    procStart: procStart(process.pid) ?? "",
    key,
  };
  const content = JSON.stringify(me) + "\n";
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode: 0o644 });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        _create(tmp, path, content);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
      const owner = _read(path);
      if (!owner) continue;
      const stale = staleReason(owner);
      if (!stale || attempt >= 3) throw new LockError(`${what} is already running (${_describe(owner)}); lock ${path}`);
      // Move the stale lock aside atomically; if what we moved is not what we judged stale, another run took it over first: put it back.
      const aside = `${path}.${process.pid}.stale`;
      try {
        renameSync(path, aside);
      } catch {
        continue;
      }
      const moved = _read(aside);
      if (moved && JSON.stringify(moved) !== JSON.stringify(owner)) {
        try { linkSync(aside, path); } catch {}
        unlinkSync(aside);
        throw new LockError(`${what} is already running (${_describe(moved)}); lock ${path}`);
      }
      unlinkSync(aside);
      // At error level: under -q (cron, systemd) this line is the only sign that a run died, e.g. killed with SIGKILL.
      log.error(`taking over the lock of ${what} left by ${_describe(owner)}: ${stale}`);
    }
  } finally {
    try { unlinkSync(tmp); } catch {}
  }
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off("exit", release);
    try {
      if (readFileSync(path, "utf8") === content) unlinkSync(path);
    } catch {}
  };
  // A forced exit (third signal) still leaves no lock behind.
  process.on("exit", release);
  return { path, release };
}
