/**
 * `palhm status` as a monitoring check: each task's state from its status
 * record and thresholds, judged by the Nagios/Icinga plugin convention.
 * Pure: the records and the time come in, the verdict goes out.
 */
import type { StatusRecord } from "./record.ts";
import { formatAge } from "./duration.ts";

export const OK = 0;
export const WARNING = 1;
export const CRITICAL = 2;
export const UNKNOWN = 3;
export type CheckCode = typeof OK | typeof WARNING | typeof CRITICAL | typeof UNKNOWN;
export const CODE_NAMES = ["OK", "WARNING", "CRITICAL", "UNKNOWN"] as const;

/** Age thresholds of a task's last success, in milliseconds; null: not checked. */
export interface StatusThresholds {
  readonly warnAfterMs: number | null;
  readonly critAfterMs: number | null;
}

export interface TaskCheck {
  readonly task: string;
  readonly code: CheckCode;
  readonly status: (typeof CODE_NAMES)[CheckCode];
  /** One line for the operator. */
  readonly summary: string;
  readonly lastRun?: { readonly start: string; readonly end?: string; readonly outcome: string; readonly error?: string };
  readonly lastSuccess?: { readonly end: string; readonly prefix?: string; readonly ageSeconds: number };
}

/** Worst first: CRITICAL, then UNKNOWN, then WARNING, then OK. */
const SEVERITY: Record<CheckCode, number> = { 0: 0, 1: 1, 3: 2, 2: 3 };

export function worst(codes: readonly CheckCode[]): CheckCode {
  return codes.reduce<CheckCode>((w, c) => (SEVERITY[c] > SEVERITY[w] ? c : w), OK);
}

/**
 * `record` null: no run recorded; `unreadable`: why the record could not be read; `ownerGone`: the record
 * says "running" but its process is gone (killed by SIGKILL, the OOM killer, a power cut).
 */
export function checkTask(task: string, record: StatusRecord | null, t: StatusThresholds, now: Date, unreadable?: string, ownerGone = false): TaskCheck {
  const make = (code: CheckCode, summary: string, extra: Partial<TaskCheck> = {}): TaskCheck => ({ task, code, status: CODE_NAMES[code], summary: `${task}: ${summary}`, ...extra });
  if (unreadable) return make(UNKNOWN, `status record unreadable: ${unreadable}`);
  if (!record) return make(UNKNOWN, "no run recorded (never ran here, or another status directory)");

  const lastRun = { start: record.start, end: record.end, outcome: record.outcome, ...(record.error ? { error: record.error.message } : {}) };
  const success = record.outcome === "success" ? { end: record.end!, prefix: record.prefix } : record.lastSuccess;
  const age = success ? now.getTime() - Date.parse(success.end) : NaN;
  const lastSuccess = success ? { end: success.end, ...(success.prefix ? { prefix: success.prefix } : {}), ageSeconds: Math.round(age / 1000) } : undefined;
  const extra = { lastRun, ...(lastSuccess ? { lastSuccess } : {}) };
  const notes: string[] = [];
  let code: CheckCode = OK;
  const raise = (c: CheckCode, note: string) => {
    code = worst([code, c]);
    notes.push(note);
  };

  if (lastSuccess) {
    const copy = lastSuccess.prefix ? `, copy ${lastSuccess.prefix}` : "";
    notes.push(`last success ${formatAge(age)} ago${copy}`);
    if (t.critAfterMs !== null && age > t.critAfterMs) raise(CRITICAL, `older than critAfter ${formatAge(t.critAfterMs)}`);
    else if (t.warnAfterMs !== null && age > t.warnAfterMs) raise(WARNING, `older than warnAfter ${formatAge(t.warnAfterMs)}`);
    if (age < -60_000) raise(WARNING, "the last success is dated in the future: is the clock right?");
  } else {
    raise(t.critAfterMs !== null ? CRITICAL : WARNING, "no successful run recorded");
  }
  if (record.outcome === "failure" || record.outcome === "interrupted") {
    raise(WARNING, `last run ${record.outcome === "failure" ? "failed" : "was interrupted"} at ${record.end ?? record.start}${record.error ? `: ${_firstLine(record.error.message)}` : ""}`);
  } else if (record.outcome === "running" && ownerGone) {
    raise(WARNING, `the run started at ${record.start} died without recording its end (pid ${record.pid} is gone: killed?)`);
  } else if (record.outcome === "running") {
    notes.push(`running since ${record.start} (pid ${record.pid})`);
  }
  if (record.futureCopies?.length) raise(WARNING, `copies dated in the future: ${record.futureCopies.join(", ")}`);
  return make(code, notes.join("; "), extra);
}

/** The plugin output: a status line naming the worst tasks, then one line per task. */
export function formatChecks(checks: readonly TaskCheck[]): { code: CheckCode; text: string } {
  const code = worst(checks.map((c) => c.code));
  const bad = checks.filter((c) => c.code !== OK).map((c) => c.task);
  const head = `PALHM ${CODE_NAMES[code]} - ${checks.length} task${checks.length === 1 ? "" : "s"}${bad.length ? `, not OK: ${bad.join(", ")}` : ""}`;
  return { code, text: [head, ...checks.map((c) => `[${c.status}] ${c.summary}`)].join("\n") };
}

function _firstLine(s: string): string {
  return s.split("\n")[0]!;
}
