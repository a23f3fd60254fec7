/** Routine tasks: steps resolved, task references checked, routine cycles refused. */
import { ConfigError } from "../errors.ts";
import type { ResolvedExec, ResolvedRoutineTask, ResolvedStep } from "./resolved.ts";
import type { CheckedTask } from "./schema.ts";
import type { StepFn } from "./types.ts";
import { formatPath, type Path } from "./issues.ts";
import { resolveExecRef } from "./resolve-exec.ts";
import { signalName } from "./signals.ts";
import { findCycle } from "./resolve-backup.ts";

type CheckedRoutine = Extract<CheckedTask, { type: "routine" }>;

export function resolveRoutineTask(
  id: string,
  task: CheckedRoutine,
  execs: ReadonlyMap<string, ResolvedExec>,
  taskIds: readonly string[],
  source?: string,
): ResolvedRoutineTask {
  const steps = task.steps.map((step, i): ResolvedStep => {
    const at: Path = ["tasks", id, "steps", i];
    if (typeof step === "function") return { kind: "fn", name: step.name || `steps[${i}]`, fn: step as StepFn };
    if (typeof step === "object" && "task" in step) {
      if (!taskIds.includes(step.task)) {
        throw new ConfigError(`unknown task "${step.task}" (known: ${taskIds.join(", ")})`, formatPath([...at, "task"]), source);
      }
      return { kind: "task", task: step.task };
    }
    if (typeof step === "object" && "builtin" in step) {
      const param = step.param.map((p, j) => ({
        action: p.action,
        sig: p.sig.map((s, k) => {
          const name = signalName(s);
          if (!name) throw new ConfigError(`unknown signal ${JSON.stringify(s)}`, formatPath([...at, "param", j, "sig", k]), source);
          return name;
        }),
      }));
      return { kind: "sigmask", param };
    }
    return { kind: "exec", exec: resolveExecRef(step, execs, at, source) };
  });
  return { type: "routine", id, steps };
}

/** A routine that runs itself, directly or through other routines, would never end. */
export function checkRoutineCycles(
  tasks: ReadonlyMap<string, { type: string; steps?: readonly ResolvedStep[] }>,
  sourceOf: (taskId: string) => string | undefined = () => undefined,
): void {
  const edges = new Map<string, string[]>();
  for (const [id, t] of tasks) {
    if (t.type !== "routine") continue;
    edges.set(id, (t.steps ?? []).flatMap((s) => (s.kind === "task" ? [s.task] : [])));
  }
  const cycle = findCycle(edges);
  if (cycle) throw new ConfigError(`routine cycle: ${cycle.join(" -> ")}`, formatPath(["tasks", cycle[0]!, "steps"]), sourceOf(cycle[0]!));
}
