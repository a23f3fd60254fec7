/** `palhm run --dry-run` for a replicate task: from where, to where, which copies, how. */
import type { ResolvedConfig, ResolvedReplicateTask } from "../config/resolved.ts";
import { descriptorOf } from "../backends/registry.ts";
import { backendLine } from "../backup/plan.ts";

export function describeReplicatePlan(task: ResolvedReplicateTask, config: ResolvedConfig): string {
  const from = config.tasks.get(task.from);
  const source = from?.type === "backup" ? descriptorOf(from.backend).describe(from.backend) : "(unknown)";
  const which = task.copies === "all" ? "every complete copy" : task.copies === 1 ? "the latest complete copy" : `the ${task.copies} newest complete copies`;
  return [
    `replicate task ${task.id}: ${which} of task ${task.from} (${source}) that the destination lacks, object by object, each checked against its manifest as it flows; then the destination is rotated`,
    `  to ${backendLine(task.to)}`,
  ].join("\n");
}
