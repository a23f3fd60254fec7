/**
 * What `palhm run` tells its operator when it is done: the summary line on a
 * terminal or in a cron mail (at info level), and the `--json` documents of
 * run, list and verify for monitoring. Pure functions over results.
 */
import { ExecError, HookError, PalhmError } from "../errors.ts";
import { hookFailuresOf } from "../hooks/operation.ts";
import type { BackupResult, RunReport } from "../run/context.ts";
import type { ReplicateResult } from "../replicate/run.ts";
import { formatBytes, formatDuration } from "./format.ts";

/** `task backup: 3 objects, 12.3 MiB in 2.1s (5.8 MiB/s); copy 2022-05-01T06:59:17+00:00; rotation removed 2 copies (a, b)`. */
export function backupSummary(result: BackupResult): string {
  const n = result.objects.length;
  const bytes = result.objects.reduce((s, o) => s + o.size, 0);
  const rate = result.durationMs > 0 ? ` (${formatBytes(Math.round((bytes * 1000) / result.durationMs))}/s)` : "";
  const removed = result.removed.length
    ? `rotation removed ${result.removed.length} cop${result.removed.length === 1 ? "y" : "ies"} (${result.removed.join(", ")})`
    : "rotation removed nothing, earlier copies kept";
  const dead = result.leftovers?.length ?? 0;
  const leftovers = dead ? `; removed ${dead} incomplete cop${dead === 1 ? "y" : "ies"} left by a run that died (${result.leftovers!.join(", ")})` : "";
  // A backend that keeps nothing (check tasks such as the DNSSEC one): there is no copy to name or rotate.
  const at = result.destinations ? ` at ${result.destinations.filter((d) => d.ok).map((d) => d.root).join(" and ")}` : "";
  const kept = result.discarded ? "output discarded (the backend keeps nothing)" : `copy ${result.prefix}${at}; ${removed}${leftovers}`;
  return `task ${result.task}: ${n} object${n === 1 ? "" : "s"}, ${formatBytes(bytes)} in ${formatDuration(result.durationMs)}${rate}; ${kept}`;
}

/** `task offsite: 2 copies of task backup replicated, 1.2 GiB in 14s (3 objects server-side); rotation removed 1 copy (a)`. */
export function replicateSummary(result: ReplicateResult): string {
  const n = result.copies.length;
  const bytes = result.copies.reduce((s, c) => s + c.bytes, 0);
  const server = result.copies.reduce((s, c) => s + c.serverSide, 0);
  const removed = result.removed.length
    ? `rotation removed ${result.removed.length} cop${result.removed.length === 1 ? "y" : "ies"} (${result.removed.join(", ")})`
    : "rotation removed nothing";
  const what = n ? `${n} cop${n === 1 ? "y" : "ies"} of task ${result.from} replicated (${result.copies.map((c) => c.prefix).join(", ")}), ${formatBytes(bytes)} in ${formatDuration(result.durationMs)}${server ? `, ${server} object(s) copied server-side` : ""}` : `nothing to replicate from task ${result.from}`;
  return `task ${result.task}: ${what}; ${removed}; ${result.copiesKept ?? "?"} cop${result.copiesKept === 1 ? "y" : "ies"} at ${result.location}`;
}

/** An error as monitoring reads it: a stable code, the message, and the facts the error carries. */
export interface ErrorJson {
  readonly code: string;
  readonly message: string;
  readonly argv?: readonly string[];
  readonly exitStatus?: number | null;
  readonly object?: string;
  /** The failing program's last stderr lines. */
  readonly stderrTail?: string;
  readonly hook?: string;
  readonly state?: string;
}

export function errorJson(error: unknown): ErrorJson {
  const code = error instanceof PalhmError ? error.code : "EINTERNAL";
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ExecError) {
    return {
      code,
      message,
      argv: error.argv,
      exitStatus: error.exitStatus,
      ...(error.objectPath ? { object: error.objectPath } : {}),
      ...(error.stderrTail ? { stderrTail: error.stderrTail } : {}),
    };
  }
  if (error instanceof HookError) return { code, message, hook: error.hook, state: `${error.op} ${error.state}`, exitStatus: error.exitStatus ?? null };
  return { code, message };
}

/** The `--json` document of a run that failed: the error, hook failures while handling it, what the copy got to. */
export function failedRunJson(task: string, type: string, error: unknown, report?: RunReport): Record<string, unknown> {
  const copy = report?.prefix
    ? { copy: { prefix: report.prefix, location: report.location, kept: report.committed === true }, objects: report.objects }
    : {};
  return { ok: false, task, type, ...copy, error: errorJson(error), hookFailures: hookFailuresOf(error).map(errorJson) };
}

/** One JSON document; bigints as decimal strings, durations (`durationMs`) in whole milliseconds. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (k, v) => (typeof v === "bigint" ? v.toString() : k === "durationMs" && typeof v === "number" ? Math.round(v) : v), 2) + "\n";
}

const _written = new WeakSet<object>();

/** Records that `error`'s JSON document was written already (by a runner that knows more about it). */
export function jsonWritten(error: unknown): void {
  if (typeof error === "object" && error !== null) _written.add(error);
}

/**
 * Runs a command's body; with `--json`, a failure anywhere (config, unknown
 * task, backend, interruption) still leaves one JSON document on stdout,
 * `{ ok: false, task, error: { code, message } }`, before the error goes on
 * to stderr and the exit status.
 */
export async function withJsonFailure(json: boolean | undefined, task: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (json && !(typeof e === "object" && e !== null && _written.has(e))) {
      process.stdout.write(toJson({ ok: false, task, error: errorJson(e), hookFailures: hookFailuresOf(e).map(errorJson) }));
    }
    throw e;
  }
}
