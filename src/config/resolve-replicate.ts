/** Replicate tasks: the source must be a backup task, the destination another root than the source's. */
import { ConfigError } from "../errors.ts";
import { descriptorOf } from "../backends/registry.ts";
import type { ResolvedReplicateTask, ResolvedTask } from "./resolved.ts";
import type { CheckedTask } from "./schema.ts";
import { formatPath } from "./issues.ts";
import { resolveBackend } from "./resolve-backup.ts";

type CheckedReplicate = Extract<CheckedTask, { type: "replicate" }>;

/** Resolved after every other task, so `from` can be checked against them. */
export function resolveReplicateTask(
  id: string,
  task: CheckedReplicate,
  tasks: ReadonlyMap<string, ResolvedTask>,
  taskIds: readonly string[],
  source?: string,
): ResolvedReplicateTask {
  const at = (...rest: string[]) => formatPath(["tasks", id, ...rest]);
  const from = tasks.get(task.from);
  if (!from || from.type !== "backup") {
    const backups = taskIds.filter((t) => tasks.get(t)?.type === "backup");
    const what = taskIds.includes(task.from) ? `task "${task.from}" is not a backup task` : `unknown task "${task.from}"`;
    throw new ConfigError(`${what}: a replicate task copies a backup task's copies (backup tasks: ${backups.join(", ") || "none"})`, at("from"), source);
  }
  const to = resolveBackend(task.to, ["tasks", id, "to"], source);
  const dest = descriptorOf(to);
  if (dest.rotation(to) === null) throw new ConfigError(`the ${dest.type} backend keeps nothing: replicas need a backend that stores copies`, at("to"), source);
  if (dest.lockKey(to) === descriptorOf(from.backend).lockKey(from.backend)) {
    throw new ConfigError(`the destination is task "${task.from}"'s own root (${dest.describe(to)}): replicate to another root`, at("to"), source);
  }
  const copies = task.copies === undefined || task.copies === "all" ? "all" : task.copies === "latest" ? 1 : task.copies;
  return { type: "replicate", id, from: task.from, to, copies };
}
