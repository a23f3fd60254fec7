/**
 * Which copy and which objects a restore (or verify) works on, and in which
 * order the objects are applied. Pure functions over listings and the task.
 */
import type { CopyInfo } from "../copies/names.ts";
import type { ResolvedBackupTask, ResolvedGroup, ResolvedObject } from "../config/resolved.ts";
import { TaskError } from "../errors.ts";
import { SelectionError } from "./errors.ts";

/**
 * The latest complete copy, else the named one. Incomplete copies are refused; legacy ones only when named.
 * Copies dated after `now` (made while a clock was wrong) are not the latest: the newest copy of the
 * present is, and `warn` says which were passed over; if only such copies exist, the newest is used, and `warn` says so.
 */
export function pickCopy(taskId: string, copies: readonly CopyInfo[], wanted?: string, warn: (message: string) => void = () => {}, now: Date = new Date()): CopyInfo {
  if (wanted !== undefined) {
    const copy = copies.find((c) => c.prefix === wanted);
    if (!copy) {
      const known = copies.map((c) => c.prefix).join(", ") || "none";
      throw new SelectionError(`task ${taskId} has no copy "${wanted}" (copies: ${known})`);
    }
    if (copy.state === "incomplete") {
      throw new SelectionError(`copy ${wanted} of task ${taskId} is incomplete (being written, or its run died): refusing to use it`);
    }
    return copy;
  }
  const complete = copies.filter((c) => c.state === "complete");
  const future = complete.filter((c) => Date.parse(c.prefix) > now.getTime());
  const present = complete.filter((c) => !future.includes(c));
  const latest = present[present.length - 1];
  if (latest) {
    if (future.length) {
      warn(`task ${taskId}: cop${future.length === 1 ? "y" : "ies"} ${future.map((c) => c.prefix).join(", ")} ${future.length === 1 ? "is" : "are"} dated in the future (was the clock wrong?): using ${latest.prefix}, the latest copy dated before now; name another with --copy`);
    }
    return latest;
  }
  const newestFuture = future[future.length - 1];
  if (newestFuture) {
    warn(`task ${taskId}: every complete copy is dated in the future (was the clock wrong?): using ${newestFuture.prefix}; check the clock`);
    return newestFuture;
  }
  const legacy = copies.filter((c) => c.state === "legacy").map((c) => c.prefix);
  const hint = legacy.length ? `; legacy copies (${legacy.join(", ")}) can be named with --copy` : "";
  throw new TaskError(`task ${taskId} has no complete copy${hint}`);
}

/** The paths asked for (all when none), each checked to exist in the copy. */
export function pickPaths(prefix: string, available: readonly string[], wanted: readonly string[]): string[] {
  if (!wanted.length) return [...available];
  const have = new Set(available);
  const unknown = wanted.filter((p) => !have.has(p));
  if (unknown.length) {
    throw new SelectionError(
      `copy ${prefix} has no object ${unknown.map((p) => `"${p}"`).join(", ")} (objects: ${available.join(", ") || "none"})`,
    );
  }
  return [...new Set(wanted)];
}

/** Groups in an order where every group comes after the groups it depends on (config order otherwise). */
export function groupOrder(groups: readonly ResolvedGroup[]): string[] {
  const byId = new Map(groups.map((g) => [g.id, g]));
  const done = new Set<string>();
  const order: string[] = [];
  const visit = (id: string, path: string[]) => {
    if (done.has(id)) return;
    if (path.includes(id)) throw new Error(`group cycle ${[...path, id].join(" -> ")}`);
    for (const dep of byId.get(id)?.depends ?? []) visit(dep, [...path, id]);
    done.add(id);
    order.push(id);
  };
  for (const g of groups) visit(g.id, []);
  return order;
}

/**
 * Sorts paths in the order their objects are applied: by group dependency,
 * then config order; paths the task does not (or no longer) define come last,
 * by name.
 */
export function applyOrder(task: ResolvedBackupTask, paths: readonly string[]): string[] {
  const rank = new Map<string, number>();
  const groups = groupOrder(task.groups);
  const objects = [...task.objects].sort((a, b) => groups.indexOf(a.group) - groups.indexOf(b.group));
  objects.forEach((o, i) => rank.set(o.path, i));
  return [...paths].sort((a, b) => {
    const ra = rank.get(a) ?? Infinity;
    const rb = rank.get(b) ?? Infinity;
    return ra !== rb ? ra - rb : a < b ? -1 : a > b ? 1 : 0;
  });
}

/** The task's object for each path, refusing (before anything runs) paths that have no `restore` pipeline. */
export function restorePipelines(task: ResolvedBackupTask, paths: readonly string[]): Map<string, ResolvedObject> {
  const byPath = new Map(task.objects.map((o) => [o.path, o]));
  const lacking = paths.filter((p) => !byPath.get(p)?.restore?.length);
  if (lacking.length) {
    throw new SelectionError(
      `task ${task.id}: no restore pipeline for object${lacking.length > 1 ? "s" : ""} ${lacking.join(", ")}; ` +
        "pick objects that have one with --object PATH, or write the objects as files with --to DIR",
    );
  }
  return new Map(paths.map((p) => [p, byPath.get(p)!]));
}
