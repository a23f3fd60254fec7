/**
 * Prometheus metrics in node_exporter's textfile format, one series per task,
 * rendered from the status records (so every task's last state is in the file,
 * not only the task that just ran) and written atomically.
 */
import type { StatusRecord } from "./record.ts";
import { replaceFile } from "../atomic-file.ts";

interface Metric {
  readonly name: string;
  readonly help: string;
  readonly samples: (r: StatusRecord) => { labels?: Record<string, string>; value: number }[];
}

const _ts = (iso: string | undefined) => (iso ? Date.parse(iso) / 1000 : NaN);
const _one = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? [] : [{ value }]);
const OUTCOMES = ["success", "failure", "interrupted", "running"] as const;

const METRICS: readonly Metric[] = [
  { name: "palhm_last_run_start_timestamp_seconds", help: "When the task's last run started (Unix time).", samples: (r) => _one(_ts(r.start)) },
  { name: "palhm_last_run_end_timestamp_seconds", help: "When the task's last run ended (Unix time).", samples: (r) => _one(_ts(r.end)) },
  {
    name: "palhm_last_success_timestamp_seconds",
    help: "When the task last ended successfully (Unix time).",
    samples: (r) => _one(_ts(r.outcome === "success" ? r.end : r.lastSuccess?.end)),
  },
  { name: "palhm_last_run_duration_seconds", help: "How long the task's last run took.", samples: (r) => _one(r.durationMs === undefined ? undefined : r.durationMs / 1000) },
  { name: "palhm_last_run_success", help: "1 if the task's last run succeeded, else 0.", samples: (r) => (r.outcome === "running" ? [] : [{ value: r.outcome === "success" ? 1 : 0 }]) },
  {
    name: "palhm_last_run_outcome",
    help: "The outcome of the task's last run: 1 for the outcome it had, 0 for the others.",
    samples: (r) => OUTCOMES.map((o) => ({ labels: { outcome: o }, value: r.outcome === o ? 1 : 0 })),
  },
  { name: "palhm_last_run_bytes", help: "Bytes the task's last run stored (a backup's objects, a replication's copies).", samples: (r) => (r.type !== "routine" ? _one(r.bytes) : []) },
  { name: "palhm_last_run_objects", help: "Objects the task's last run stored.", samples: (r) => (r.type !== "routine" ? _one(r.objects) : []) },
  { name: "palhm_copies_kept", help: "Copies under the task's backend after its last rotation.", samples: (r) => _one(r.copiesKept) },
  { name: "palhm_copies_in_future", help: "Copies dated after the task's last run (a wrong clock); rotation leaves them alone.", samples: (r) => (r.futureCopies ? [{ value: r.futureCopies.length }] : []) },
];

/** Label values escaped as the text format wants: backslash, double quote, newline. */
function _label(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

export function renderMetrics(records: Iterable<StatusRecord>): string {
  const list = [...records].sort((a, b) => (a.task < b.task ? -1 : a.task > b.task ? 1 : 0));
  const lines: string[] = [];
  for (const m of METRICS) {
    lines.push(`# HELP ${m.name} ${m.help}`, `# TYPE ${m.name} gauge`);
    for (const r of list) {
      for (const s of m.samples(r)) {
        const labels = Object.entries({ task: r.task, ...s.labels }).map(([k, v]) => `${k}="${_label(v)}"`).join(",");
        lines.push(`${m.name}{${labels}} ${s.value}`);
      }
    }
  }
  return lines.join("\n") + "\n";
}

export function writeMetrics(path: string, records: Iterable<StatusRecord>): void {
  replaceFile(path, renderMetrics(records));
}
