/**
 * The status record: one JSON file per task in the status directory, written
 * atomically (temp file, fsync, rename) when a run starts and when it ends,
 * whatever the outcome. It carries the last success forward, so a failed run
 * does not hide when the task last worked.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { replaceFile } from "../atomic-file.ts";

export type RunOutcome = "running" | "success" | "failure" | "interrupted";

export interface SuccessInfo {
  /** When the successful run ended, ISO-8601. */
  readonly end: string;
  /** The copy it made (backup tasks with a storing backend). */
  readonly prefix?: string;
  readonly location?: string;
}

export interface StatusRecord {
  readonly format: 1;
  readonly task: string;
  readonly type: "backup" | "routine" | "replicate";
  readonly host: string;
  readonly pid: number;
  /** The process's start time in clock ticks since boot, to tell a reused pid apart. */
  readonly procStart?: string;
  readonly start: string;
  /** Absent while running. */
  readonly end?: string;
  readonly outcome: RunOutcome;
  readonly durationMs?: number;
  readonly error?: { readonly code: string; readonly message: string; readonly stderrTail?: string };
  readonly prefix?: string;
  readonly location?: string;
  /** The copy was committed (a failure after that keeps it). */
  readonly committed?: boolean;
  readonly bytes: number;
  readonly objects: number;
  /** Copies under the backend after rotation (backup tasks with a storing backend). */
  readonly copiesKept?: number;
  /** Copies dated after the run (clock problems), found by rotation. */
  readonly futureCopies?: readonly string[];
  readonly lastSuccess?: SuccessInfo;
}

const SUFFIX = ".status.json";

export function recordPath(dir: string, task: string): string {
  return join(dir, encodeURIComponent(task) + SUFFIX);
}

/** The task's record, null when there is none; throws (with the path) when it cannot be read or parsed. */
export function readRecord(dir: string, task: string): StatusRecord | null {
  const path = recordPath(dir, task);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    const r = JSON.parse(text) as StatusRecord;
    if (r?.format !== 1 || typeof r.task !== "string" || typeof r.start !== "string") throw new Error("not a palhm status record");
    return r;
  } catch (e) {
    throw new Error(`${path} is damaged: ${(e as Error).message}`);
  }
}

/** Every record in `dir` (damaged ones skipped), by task id. */
export function readAllRecords(dir: string): Map<string, StatusRecord> {
  const out = new Map<string, StatusRecord>();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    if (!name.endsWith(SUFFIX)) continue;
    try {
      const r = readRecord(dir, decodeURIComponent(name.slice(0, -SUFFIX.length)));
      if (r) out.set(r.task, r);
    } catch {
      // a damaged record is reported by `palhm status`, not by the metrics
    }
  }
  return out;
}

export function writeRecord(dir: string, record: StatusRecord): void {
  replaceFile(recordPath(dir, record.task), JSON.stringify(record, null, 2) + "\n");
}

