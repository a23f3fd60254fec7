/**
 * A run's upkeep of its root, shared by backup and replicate runs: the
 * leftovers of dead runs removed first, then rotation after the run made
 * `newPrefix` (null: none, e.g. a replicate run that brought nothing): the
 * copy layer removes what the pure planner chooses, and this says it loudly
 * where it should. A copy that cannot be removed, or a root that cannot be
 * listed, is added to `failures` (its error says which and why): the run
 * goes on and ends not clean.
 */
import type { Copies, RemovalFailure } from "../copies/copies.ts";
import type { Scan } from "../copies/scan.ts";
import type { Logger } from "../log.ts";
import type { RotationLimits } from "./rotation.ts";
import { warnRotation } from "./rotation-warnings.ts";

export interface Rotated {
  readonly removed: string[];
  /** Copies under the root after rotation (those it could not remove included); absent when the root could not be listed. */
  readonly copiesKept?: number;
  /** Copies dated in the future, left alone. */
  readonly futureCopies?: string[];
  /** The newest copy kept (not a leftover). */
  readonly newest?: string;
}

/**
 * Removes the incomplete copies dead runs of the task left (`scan`: the root
 * as just listed); returns their prefixes. No live run of the task writes
 * there: the run lock sees to it.
 */
export async function removeLeftovers(taskId: string, copies: Copies, log: Logger, failures: RemovalFailure[], scan?: Scan): Promise<string[]> {
  let cleanup;
  try {
    cleanup = await copies.cleanLeftovers(scan);
  } catch (e) {
    // Not even listed: the copy about to be made will say whether the store works at all.
    log.warn(`task ${taskId}: could not look for leftovers of dead runs under ${copies.describe()}: ${(e as Error).message}`);
    return [];
  }
  for (const f of cleanup.failures) {
    log.error(`task ${taskId}: could not remove ${f.location}, left by a run that died: ${f.error.message}`);
    failures.push({ ...f, error: new Error(`could not remove copy ${f.prefix}, left by a run that died: ${f.error.message}`) });
  }
  return cleanup.removed;
}

export async function rotateCopies(taskId: string, copies: Copies, newPrefix: string | null, limits: RotationLimits, log: Logger, failures: RemovalFailure[]): Promise<Rotated> {
  let rotation;
  try {
    rotation = await copies.rotate(newPrefix, limits);
  } catch (e) {
    failures.push({ prefix: newPrefix ?? "", location: copies.describe(), error: new Error(`rotation could not list the copies: ${(e as Error).message}`) });
    return { removed: [] };
  }
  const { choice } = rotation;
  warnRotation(taskId, copies.describe(), choice, log);
  if (choice.newExceedsSize) {
    log.warn(`task ${taskId}: the new copy ${newPrefix} alone is larger than rootSizeLimit (${limits.rootSizeLimit} bytes)`);
  }
  if (choice.warnAllRemoved) {
    log.warn(`task ${taskId}: !!! rootSizeLimit (${limits.rootSizeLimit} bytes) removes EVERY older copy under ${copies.describe()}: only ${newPrefix} is left. Raise the limit or make the copies smaller.`);
  }
  for (const old of rotation.removed) log.info(`task ${taskId}: rotation removed copy ${old}`);
  const complete = newPrefix ? ` (the new copy ${newPrefix} is complete)` : "";
  for (const f of rotation.failures) {
    log.error(`task ${taskId}: rotation could not remove copy ${f.prefix} under ${copies.describe()}${complete}: ${f.error.message}`);
    failures.push({ ...f, error: new Error(`rotation could not remove copy ${f.prefix}: ${f.error.message}`) });
  }
  const failed = new Set(rotation.failures.map((f) => f.prefix));
  const kept = choice.decisions.filter((d) => d.action === "keep" || failed.has(d.prefix));
  return {
    removed: rotation.removed,
    copiesKept: kept.length,
    futureCopies: choice.future,
    newest: kept.filter((d) => d.state !== "incomplete").at(-1)?.prefix,
  };
}
