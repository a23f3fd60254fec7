/** The tasks of a config that have a schedule, with what their sandboxed unit must be allowed to write. */
import { localPaths } from "../backends/local-paths.ts";
import type { ResolvedConfig, ResolvedTask } from "../config/resolved.ts";
import { STATE_DIRECTORY, type ScheduledTask } from "./units.ts";
import { dirname } from "node:path";

/** The local directories a task writes: its backend's, or those of every task a routine runs (transitively). */
function _writable(config: ResolvedConfig, task: ResolvedTask, seen = new Set<string>()): string[] {
  if (seen.has(task.id)) return [];
  seen.add(task.id);
  if (task.type === "backup") return (task.backends ?? [task.backend]).flatMap(localPaths);
  if (task.type === "replicate") {
    // Reads the source's root (its leftovers are not touched) and writes its own.
    const from = config.tasks.get(task.from);
    return [...localPaths(task.to), ...(from?.type === "backup" ? localPaths(from.backend) : [])];
  }
  return task.steps.flatMap((s) => {
    if (s.kind !== "task") return [];
    const sub = config.tasks.get(s.task);
    return sub ? _writable(config, sub, seen) : [];
  });
}

/** Where every run writes its status record and metrics (the unit's StateDirectory= gives it /var/lib/palhm already). */
function _monitoring(config: ResolvedConfig): string[] {
  const m = config.monitoring;
  if (!m) return [];
  return [...(m.statusDir !== STATE_DIRECTORY ? [m.statusDir] : []), ...(m.metricsTextfile ? [dirname(m.metricsTextfile)] : [])];
}

export function scheduledTasks(config: ResolvedConfig): ScheduledTask[] {
  return [...config.tasks.values()]
    .filter((t): t is ResolvedTask & { schedule: string } => t.schedule !== undefined)
    .map((t) => ({
      id: t.id,
      schedule: t.schedule,
      writablePaths: [...new Set([..._writable(config, t), ..._monitoring(config)])],
      ...(config.monitoring && config.monitoring.statusDir !== STATE_DIRECTORY ? { statusDir: config.monitoring.statusDir } : {}),
    }));
}
