/**
 * Objects of the copy to restore that sit in an archive storage class (S3
 * GLACIER, DEEP_ARCHIVE): they cannot be read until the store thaws them,
 * which takes hours. Without `--thaw` the restore stops before anything runs,
 * naming every such object; with `--thaw DAYS` it asks the store to thaw
 * them and says when to come back, or goes on if they can all be read now.
 */
import { THAW_TIME } from "../aws/storage-classes.ts";
import type { ArchivedObject, CopyReader } from "../copies/reader.ts";
import { ArchivedError, ThawPendingError } from "../errors.ts";
import type { RunContext } from "../run/context.ts";

function _list(objects: readonly ArchivedObject[]): string {
  return objects.map((o) => `${o.path} (${o.storageClass}${o.thawing ? ", thaw under way" : ""})`).join(", ");
}

function _howLong(objects: readonly ArchivedObject[]): string {
  const classes = [...new Set(objects.map((o) => o.storageClass))];
  return classes.map((c) => `${c}: ${THAW_TIME[c] ?? "hours"}`).join(", ");
}

export async function thawOrRefuse(
  ctx: RunContext,
  taskId: string,
  copy: CopyReader,
  frozen: readonly ArchivedObject[],
  days: number | undefined,
): Promise<void> {
  const again = `palhm restore ${taskId} --copy ${copy.prefix}`;
  if (days === undefined) {
    throw new ArchivedError(
      `copy ${copy.prefix} of task ${taskId}: ${frozen.length} object(s) are archived and cannot be read until the store thaws them: ` +
        `${_list(frozen)}; ask for it with \`${again} --thaw DAYS\` (readable for DAYS days; ${_howLong(frozen)})`,
      frozen,
    );
  }
  const states = new Map<string, string>();
  for (const o of frozen) {
    const state = await copy.thaw(o.path, days);
    states.set(o.path, state);
    ctx.log.info(`${o.path}: ${state === "started" ? `thaw asked for (${days} days)` : state === "thawing" ? "thaw already under way" : "readable"}`);
  }
  const pending = frozen.filter((o) => states.get(o.path) !== "readable");
  if (pending.length === 0) return;
  const due = new Date(Date.now() + (pending.some((o) => o.storageClass === "DEEP_ARCHIVE") ? 12 : 5) * 3600_000);
  throw new ThawPendingError(
    `copy ${copy.prefix} of task ${taskId}: the store is thawing ${pending.length} archived object(s) (${_howLong(pending)}): ${_list(pending.map((o) => ({ ...o, thawing: false })))}; ` +
      `come back after ${due.toISOString().replace(/\.\d+Z$/, "Z")} and run \`${again}\` (the thawed objects stay readable for ${days} days)`,
  );
}
