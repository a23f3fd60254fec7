/** Backup tasks: object paths, the object group DAG, and backend parameters with defaults. */
import { ConfigError } from "../errors.ts";
import { objectPathProblem } from "../copies/names.ts";
import { descriptorOf } from "../backends/registry.ts";
import type { ParamSite } from "../backends/descriptor.ts";
import { parseLimit } from "../backup/decimal.ts";
import type { ResolvedBackendParam, ResolvedBackupTask, ResolvedExec, ResolvedGroup, ResolvedHooks, ResolvedObject } from "./resolved.ts";
import type { CheckedTask } from "./schema.ts";
import { formatPath, type Path } from "./issues.ts";
import { resolvePipeline } from "./resolve-exec.ts";

type CheckedBackup = Extract<CheckedTask, { type: "backup" }>;
type CheckedBackend = NonNullable<CheckedBackup["backend"]>;

export { objectPathProblem };

function _limit(v: number | string | undefined, path: Path, source?: string) {
  try {
    return parseLimit(v);
  } catch (e) {
    throw new ConfigError((e as Error).message, formatPath(path), source);
  }
}

export function resolveBackend(b: CheckedBackend, path: Path, source?: string): ResolvedBackendParam {
  const at: ParamSite = {
    fail(field, message) {
      throw new ConfigError(message, formatPath(field === undefined ? path : [...path, field]), source);
    },
  };
  return descriptorOf(b).resolve(b, at);
}

/** Finds a dependency cycle among groups; returns it as `a -> b -> a`, or undefined. */
export function findCycle(edges: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === "done") return undefined;
    if (state.get(node) === "visiting") return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, "visiting");
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, "done");
    return undefined;
  };
  for (const node of edges.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

function _groups(task: CheckedBackup, path: Path, source?: string): ResolvedGroup[] {
  const groups = new Map<string, ResolvedGroup>();
  (task.objectGroups ?? []).forEach((g, i) => {
    const at = [...path, "objectGroups", i];
    if (groups.has(g.id)) throw new ConfigError(`group "${g.id}" is defined twice`, formatPath([...at, "id"]), source);
    groups.set(g.id, { id: g.id, depends: [...new Set(g.depends ?? [])] });
  });
  if (!groups.has("default")) groups.set("default", { id: "default", depends: [] });
  const known = () => [...groups.keys()].join(", ");
  (task.objectGroups ?? []).forEach((g, i) => {
    (g.depends ?? []).forEach((d, j) => {
      const at = formatPath([...path, "objectGroups", i, "depends", j]);
      if (d === g.id) throw new ConfigError(`group "${g.id}" depends on itself`, at, source);
      if (!groups.has(d)) throw new ConfigError(`unknown group "${d}" (known: ${known()})`, at, source);
    });
  });
  const cycle = findCycle(new Map([...groups.values()].map((g) => [g.id, g.depends])));
  if (cycle) throw new ConfigError(`group dependency cycle: ${cycle.join(" -> ")}`, formatPath([...path, "objectGroups"]), source);
  return [...groups.values()];
}

export function resolveBackupTask(
  id: string,
  task: CheckedBackup,
  execs: ReadonlyMap<string, ResolvedExec>,
  hooks: ResolvedHooks,
  source?: string,
): ResolvedBackupTask {
  const path: Path = ["tasks", id];
  const backends = _backends(task, path, source);
  const groups = _groups(task, path, source);
  const seen = new Map<string, number>();
  const objects = task.objects.map((o, i): ResolvedObject => {
    const at: Path = [...path, "objects", i];
    const problem = objectPathProblem(o.path);
    if (problem) throw new ConfigError(`${problem}: "${o.path}"`, formatPath([...at, "path"]), source);
    const first = seen.get(o.path);
    if (first !== undefined) {
      throw new ConfigError(`path "${o.path}" is also used by objects[${first}]`, formatPath([...at, "path"]), source);
    }
    seen.set(o.path, i);
    const group = o.group ?? "default";
    if (!groups.some((g) => g.id === group)) {
      const known = groups.map((g) => g.id).join(", ");
      throw new ConfigError(`unknown group "${group}" (known: ${known})`, formatPath([...at, "group"]), source);
    }
    const allocSize = o.allocSize === undefined ? undefined : _allocSize(o.allocSize, [...at, "allocSize"], source);
    for (const b of backends) {
      const max = descriptorOf(b).maxObjectSize;
      if (allocSize !== undefined && max !== undefined && allocSize > max.bytes) {
        throw new ConfigError(`${allocSize} bytes is more than ${max.what}`, formatPath([...at, "allocSize"]), source);
      }
    }
    return {
      path: o.path,
      pipeline: resolvePipeline(o.pipeline, execs, [...at, "pipeline"], source),
      ...(allocSize === undefined ? {} : { allocSize }),
      group,
      ...(o.restore ? { restore: resolvePipeline(o.restore, execs, [...at, "restore"], source) } : {}),
    };
  });
  return {
    type: "backup", id, backend: backends[0]!, groups, objects, hooks,
    ...(backends.length > 1 ? { backends, require: task.require ?? "all" } : {}),
  };
}

/** `backend`, or the fan-out's `backends`: exactly one of them, and no root twice. */
function _backends(task: CheckedBackup, path: Path, source?: string): ResolvedBackendParam[] {
  if (task.backend !== undefined && task.backends !== undefined) {
    throw new ConfigError("give either backend or backends, not both", formatPath([...path, "backends"]), source);
  }
  if (task.backend === undefined && task.backends === undefined) throw new ConfigError("missing backend (where the copies go)", formatPath([...path, "backend"]), source);
  if (task.require !== undefined && task.backends === undefined) throw new ConfigError("require applies to several backends (backends)", formatPath([...path, "require"]), source);
  if (task.backend !== undefined) return [resolveBackend(task.backend, [...path, "backend"], source)];
  const seen = new Map<string, number>();
  return task.backends!.map((b, i) => {
    const r = resolveBackend(b, [...path, "backends", i], source);
    const d = descriptorOf(r);
    const key = d.lockKey(r);
    const first = seen.get(key);
    if (first !== undefined) throw new ConfigError(`${d.describe(r)} is also backends[${first}]: each destination needs its own root`, formatPath([...path, "backends", i]), source);
    seen.set(key, i);
    return r;
  });
}

function _allocSize(v: number | string, path: Path, source?: string): bigint {
  const n = _limit(v, path, source);
  if (n === null) throw new ConfigError(`"${v}" is not a size in bytes`, formatPath(path), source);
  return n;
}
