/**
 * Around every task run (after its lock is taken): the status record when it
 * starts and when it ends (success, failure or interruption), the metrics
 * textfile, and the pings. None of these can fail the run: a problem with
 * them is a warning.
 */
import { hostname } from "node:os";
import type { ResolvedTask } from "../config/resolved.ts";
import type { BackupResult, RunContext } from "../run/context.ts";
import type { ReplicateResult } from "../replicate/run.ts";
import { InterruptedError } from "../errors.ts";
import { procStart } from "../run/lock.ts";
import { errorJson } from "../ui/report.ts";
import type { StatusThresholds } from "./check.ts";
import { writeMetrics } from "./metrics.ts";
import { sendPings, type PingRun, type ResolvedPing } from "./pings.ts";
import { readAllRecords, readRecord, writeRecord, type StatusRecord, type SuccessInfo } from "./record.ts";

/** Monitoring settings for the whole config, and per task. */
export interface ResolvedMonitoring {
  /** Where status records are written and read. */
  readonly statusDir: string;
  /** node_exporter textfile, rewritten after every run; null: none. */
  readonly metricsTextfile: string | null;
  /** Pings for every task run from the command line (not for tasks a routine runs). */
  readonly pings: readonly ResolvedPing[];
  readonly tasks: ReadonlyMap<string, { readonly status: StatusThresholds; readonly pings: readonly ResolvedPing[] }>;
}

/** After an interruption, pings get at most this long: palhm is being asked to stop. */
const PING_CAP_WHEN_INTERRUPTED_MS = 3000;

export async function observeRun<T>(task: ResolvedTask, ctx: RunContext, topLevel: boolean, body: () => Promise<T>): Promise<T> {
  const m = ctx.config.monitoring;
  if (!m) return body();
  const log = ctx.log;
  const start = new Date();
  const pings = [...(topLevel ? m.pings : []), ...(m.tasks.get(task.id)?.pings ?? [])];
  const runId = crypto.randomUUID();
  const host = hostname();
  const base = { format: 1 as const, task: task.id, type: task.type, host, pid: process.pid, procStart: procStart(process.pid) ?? undefined, start: start.toISOString(), bytes: 0, objects: 0 };
  const lastSuccess = _lastSuccess(m.statusDir, task.id, ctx);
  _save(m, { ...base, outcome: "running", ...(lastSuccess ? { lastSuccess } : {}) }, ctx);
  await sendPings(pings, { event: "start", task: task.id, host, runId, start: base.start }, log);
  try {
    const result = await body();
    const end = new Date();
    const backup = task.type === "backup" ? (result as BackupResult) : null;
    const bytes = backup ? backup.objects.reduce((s, o) => s + o.size, 0) : 0;
    const replica = task.type === "replicate" ? (result as ReplicateResult) : null;
    const copy = backup && !_discarded(backup)
      ? { prefix: backup.prefix, location: backup.location }
      : replica?.newest ? { prefix: replica.newest, location: replica.location } : {};
    const record: StatusRecord = {
      ...base, outcome: "success", end: end.toISOString(), durationMs: end.getTime() - start.getTime(), ...copy,
      ...(backup ? { committed: true, bytes, objects: backup.objects.length } : {}),
      ...(backup?.copiesKept !== undefined ? { copiesKept: backup.copiesKept } : {}),
      ...(replica ? { bytes: replica.copies.reduce((s, c) => s + c.bytes, 0), objects: replica.copies.reduce((s, c) => s + c.objects, 0), ...(replica.copiesKept !== undefined ? { copiesKept: replica.copiesKept } : {}) } : {}),
      ...(backup?.futureCopies?.length ? { futureCopies: backup.futureCopies } : {}),
      lastSuccess: { end: end.toISOString(), ...copy },
    };
    _save(m, record, ctx);
    await sendPings(pings, { event: "success", task: task.id, host, runId, start: base.start, end: record.end, durationMs: record.durationMs, ...copy, ...(backup ? { bytes, objects: backup.objects.length } : {}) }, log);
    return result;
  } catch (e) {
    const interrupted = ctx.signal.aborted || e instanceof InterruptedError;
    const error = ctx.signal.aborted ? ctx.signal.reason : e;
    const end = new Date();
    const { code, message, stderrTail } = errorJson(error);
    const report = task.type === "backup" && topLevel ? ctx.report : undefined;
    const objects = report?.objects ?? [];
    const record: StatusRecord = {
      ...base, outcome: interrupted ? "interrupted" : "failure", end: end.toISOString(), durationMs: end.getTime() - start.getTime(),
      error: { code, message, ...(stderrTail ? { stderrTail } : {}) },
      ...(report?.prefix ? { prefix: report.prefix, location: report.location, committed: report.committed === true } : {}),
      bytes: objects.reduce((s, o) => s + o.size, 0), objects: objects.length,
      ...(lastSuccess ? { lastSuccess } : {}),
    };
    _save(m, record, ctx);
    await sendPings(
      pings,
      { event: "failure", task: task.id, host, runId, start: base.start, end: record.end, durationMs: record.durationMs, error: record.error, ...(report?.prefix ? { prefix: report.prefix } : {}) },
      log,
      interrupted ? PING_CAP_WHEN_INTERRUPTED_MS : undefined,
    );
    throw e;
  }
}

function _discarded(r: BackupResult): boolean {
  return r.discarded === true;
}

function _lastSuccess(dir: string, task: string, ctx: RunContext): SuccessInfo | undefined {
  try {
    const prev = readRecord(dir, task);
    if (!prev) return undefined;
    return prev.outcome === "success" && prev.end ? { end: prev.end, ...(prev.prefix ? { prefix: prev.prefix, location: prev.location } : {}) } : prev.lastSuccess;
  } catch (e) {
    ctx.log.warn(`task ${task}: the previous status record is unreadable and is replaced: ${(e as Error).message}`);
    return undefined;
  }
}

function _save(m: ResolvedMonitoring, record: StatusRecord, ctx: RunContext): void {
  try {
    writeRecord(m.statusDir, record);
  } catch (e) {
    ctx.log.warn(`task ${record.task}: could not write the status record in ${m.statusDir}: ${(e as Error).message}`);
    return;
  }
  if (m.metricsTextfile === null) return;
  try {
    writeMetrics(m.metricsTextfile, readAllRecords(m.statusDir).values());
  } catch (e) {
    ctx.log.warn(`task ${record.task}: could not write the metrics textfile ${m.metricsTextfile}: ${(e as Error).message}`);
  }
}
