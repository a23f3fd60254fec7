/**
 * The mark of an incomplete copy: who writes (or removes) it, so that a run
 * removes as leftovers only copies of its own task whose writer is gone.
 * Marks of earlier versions are read too: localfs wrote the same JSON (some
 * without a task), S3 a line of text naming task, host and pid.
 */
import { hostname } from "node:os";
import { bootId, processAlive } from "../host.ts";

export interface Mark {
  /** The task whose copy this is; absent in some marks of earlier versions (then it belongs to the task that finds it). */
  readonly task?: string;
  readonly host?: string;
  readonly pid?: number;
  readonly bootId?: string;
  /** ISO-8601. */
  readonly start?: string;
  /** Written by a run removing the copy (rotation or leftovers), not writing it. */
  readonly removing?: boolean;
}

export function newMark(task: string, removing = false): Mark {
  return { task, host: hostname(), pid: process.pid, bootId: bootId() || undefined, start: new Date().toISOString(), ...(removing ? { removing } : {}) };
}

export function encodeMark(mark: Mark): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(mark) + "\n");
}

/** Whatever a mark says; an unreadable one says nothing (its copy then belongs to the finder, and its writer counts as gone). */
export function decodeMark(bytes: Uint8Array): Mark {
  const text = new TextDecoder().decode(bytes);
  try {
    const m = JSON.parse(text) as Record<string, unknown>;
    if (typeof m === "object" && m !== null) {
      return {
        ...(typeof m.task === "string" ? { task: m.task } : {}),
        ...(typeof m.host === "string" ? { host: m.host } : {}),
        ...(typeof m.pid === "number" ? { pid: m.pid } : {}),
        ...(typeof m.bootId === "string" ? { bootId: m.bootId } : {}),
        ...(typeof m.start === "string" ? { start: m.start } : {}),
        ...(m.removing === true ? { removing: true } : {}),
      };
    }
  } catch {
    // not JSON: the text mark of earlier S3 copies
  }
  const old = /task (\S+), host (\S+), pid (\d+)/.exec(text);
  return old ? { task: old[1]!, host: old[2]!, pid: Number(old[3]) } : {};
}

/**
 * True while the process that wrote the mark may still be running: same
 * host, same boot, pid alive. A mark from another host cannot be judged and
 * counts as gone: only one host should write a task's copies to a root.
 */
export function writerAlive(mark: Mark, self: { host: string; bootId: string } = { host: hostname(), bootId: bootId() }): boolean {
  if (mark.pid === undefined || mark.host !== self.host) return false;
  if (mark.bootId && self.bootId && mark.bootId !== self.bootId) return false;
  return mark.pid === process.pid || processAlive(mark.pid);
}
