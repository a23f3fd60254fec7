/** `palhm run --dry-run` for a backup task: objects by group in the order they can run, pipelines (and restore pipelines) as shell lines, destinations. */
import type { ResolvedBackendParam, ResolvedBackupTask, ResolvedConfig } from "../config/resolved.ts";
import type { Limit } from "./decimal.ts";
import { execLine } from "../exec/argv.ts";
import { groupLevels } from "./dag.ts";
import { descriptorOf } from "../backends/registry.ts";
import { describeKeepPolicy } from "./retention.ts";

const PREFIX = "<PREFIX>";

function _limit(l: Limit, what: string, unit: string): string | null {
  return l === null ? null : `${what} ${l} ${unit}`;
}

/** Where an object of a copy would be written. */
export function destinationOf(param: ResolvedBackendParam, path: string): string {
  const d = descriptorOf(param);
  if (d.rotation(param) === null) return "(discarded)";
  return `${d.describe(param).replace(/\/+$/, "")}/${PREFIX}/${path}`;
}

export function backendLine(param: ResolvedBackendParam): string {
  const d = descriptorOf(param);
  const limits = d.rotation(param);
  if (limits === null) return `${param.type} backend: output is read to the end and discarded, nothing rotated`;
  const rotation = [
    limits.keep ? `keep ${describeKeepPolicy(limits.keep)}` : null,
    _limit(limits.nbCopyLimit, "keep at most", "copies"),
    _limit(limits.rootSizeLimit, "root size limit", "bytes"),
  ].filter(Boolean);
  const details = d.details?.(param) ?? [];
  return `${param.type} backend: ${d.describe(param)}${details.map((x) => `, ${x}`).join("")}; ${rotation.join(", ") || "no rotation limit"}`;
}

export function describeBackupPlan(task: ResolvedBackupTask, config: ResolvedConfig): string {
  const lines = [
    `backup task ${task.id}: ${task.objects.length} object(s), at most ${config.workers} at once, into a new copy ${PREFIX} (UTC time of the run)`,
    ...(task.backends ?? [task.backend]).map((b) => `  ${backendLine(b)}`),
    ...(task.backends ? [`  each object's pipeline runs once, its output going to all ${task.backends.length} backends (require: "${task.require ?? "all"}")`] : []),
  ];
  const byId = new Map(task.groups.map((g) => [g.id, g]));
  for (const level of groupLevels(task.groups)) {
    for (const id of level) {
      const objects = task.objects.filter((o) => o.group === id);
      if (objects.length === 0) continue;
      const deps = byId.get(id)?.depends ?? [];
      lines.push(`  group ${id} (${deps.length ? `after ${deps.join(", ")}` : "starts at once"}):`);
      for (const o of objects) {
        lines.push(`    ${o.pipeline.map(execLine).join(" | ")} > ${destinationOf(task.backend, o.path)}`);
        if (o.restore) lines.push(`      restore: ${o.path} | ${o.restore.map(execLine).join(" | ")}`);
      }
    }
  }
  return lines.join("\n");
}
