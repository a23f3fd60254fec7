/** `palhm run --dry-run`: what a task would do, with the tasks it refers to expanded in place. */
import type { ResolvedConfig } from "../config/resolved.ts";
import { stepLabel } from "../routine/plan.ts";

function _indent(text: string, by: string): string {
  return text.split("\n").map((l) => (l ? by + l : l)).join("\n");
}

export async function describePlan(id: string, config: ResolvedConfig, _stack: readonly string[] = []): Promise<string> {
  const task = config.tasks.get(id);
  if (!task) return `task ${id}: (unknown)`;
  if (task.type === "backup") {
    const { describeBackupPlan } = await import("../backup/run.ts");
    return describeBackupPlan(task, config);
  }
  if (task.type === "replicate") {
    const { describeReplicatePlan } = await import("../replicate/plan.ts");
    return describeReplicatePlan(task, config);
  }
  const lines = [`routine task ${id}: ${task.steps.length} step(s), one after another, the first failure stops it`];
  for (const [i, step] of task.steps.entries()) {
    lines.push(`  steps[${i}]: ${stepLabel(step)}`);
    if (step.kind !== "task") continue;
    if (_stack.includes(step.task) || step.task === id) {
      lines.push(`    (task ${step.task} refers back to itself: the run would fail here)`);
      continue;
    }
    lines.push(_indent(await describePlan(step.task, config, [..._stack, id]), "    "));
  }
  return lines.join("\n");
}
