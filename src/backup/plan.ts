/** `palhm run --dry-run` for a backup task: objects by group in the order they can run, pipelines (and restore pipelines) as shell lines, destinations. */
import type { ResolvedBackendParam, ResolvedBackupTask, ResolvedConfig } from "../config/resolved.ts";
import type { Limit } from "./decimal.ts";
import { execLine } from "../exec/argv.ts";
import { groupLevels } from "./dag.ts";

const PREFIX = "<PREFIX>";

function _limit(l: Limit, what: string, unit: string): string | null {
  return l === null ? null : `${what} ${l} ${unit}`;
}

/** Where an object of a copy would be written. */
export function destinationOf(param: ResolvedBackendParam, path: string): string {
  switch (param.type) {
    case "null":
      return "(discarded)";
    case "localfs":
      return `${param.root.replace(/\/+$/, "")}/${PREFIX}/${path}`;
    case "aws-s3":
      return `s3://${param.bucket}/${param.root ? `${param.root}/` : ""}${PREFIX}/${path}`;
    case "custom":
      return `${param.impl.describe()} ${PREFIX}/${path}`;
  }
}

function _backendLine(param: ResolvedBackendParam): string {
  if (param.type === "null") return "null backend: output is read to the end and discarded, nothing rotated";
  const where = param.type === "localfs" ? param.root : param.type === "aws-s3" ? `s3://${param.bucket}/${param.root}` : param.impl.describe();
  const limits = [_limit(param.nbCopyLimit, "keep at most", "copies"), _limit(param.rootSizeLimit, "root size limit", "bytes")].filter(Boolean);
  const modes = param.type === "localfs" ? `, dmode ${param.dmode.toString(8)}, fmode ${param.fmode.toString(8)}` : "";
  const classes = param.type === "aws-s3" ? [param.sinkStorageClass && `upload as ${param.sinkStorageClass}`, param.rotStorageClass && `keep as ${param.rotStorageClass}`].filter(Boolean) : [];
  return `${param.type} backend: ${where}${modes}; ${[...limits, ...classes].join(", ") || "no rotation limit"}`;
}

export function describeBackupPlan(task: ResolvedBackupTask, config: ResolvedConfig): string {
  const lines = [
    `backup task ${task.id}: ${task.objects.length} object(s), at most ${config.workers} at once, into a new copy ${PREFIX} (UTC time of the run)`,
    `  ${_backendLine(task.backend)}`,
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
