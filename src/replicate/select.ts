/**
 * Which source copies a replicate run brings: the complete (and legacy)
 * copies of the source task chosen by `copies`, that the destination lacks,
 * and that the destination's own rotation would not remove at once (so a
 * limit smaller than the selection never makes every run copy, then delete,
 * the same old copies). Pure: no store is touched here.
 */
import type { CopyState } from "../copies/names.ts";
import { chooseRemovals, type RotationLimits } from "../backup/rotation.ts";

export interface CopySummary {
  readonly prefix: string;
  readonly state: CopyState;
  readonly size: bigint;
  /** Why a damaged copy cannot be used. */
  readonly problem?: string;
}

export interface ReplicationPlan<C extends CopySummary> {
  /** Source copies to bring, oldest first. */
  readonly bring: C[];
  /** Source copies left out, and why (said as warnings or at -v). */
  readonly skipped: { readonly prefix: string; readonly why: string; readonly warn: boolean }[];
  /** Selected copies the destination already holds. */
  readonly present: string[];
}

export function planReplication<C extends CopySummary>(
  source: readonly C[],
  destination: readonly CopySummary[],
  copies: number | "all",
  limits: RotationLimits,
  now: Date = new Date(),
): ReplicationPlan<C> {
  const skipped: { prefix: string; why: string; warn: boolean }[] = [];
  const usable: C[] = [];
  for (const c of [...source].sort((a, b) => (a.prefix < b.prefix ? -1 : 1))) {
    if (c.state === "incomplete") skipped.push({ prefix: c.prefix, why: "incomplete (being written, or left by a run that died)", warn: true });
    else if (c.state === "damaged") skipped.push({ prefix: c.prefix, why: `damaged: ${c.problem ?? "its manifest cannot be read"}`, warn: true });
    else usable.push(c);
  }
  const chosen = copies === "all" ? usable : usable.slice(Math.max(0, usable.length - copies));
  for (const c of usable) if (!chosen.includes(c)) skipped.push({ prefix: c.prefix, why: `older than the ${copies} newest`, warn: false });

  const held = new Set(destination.filter((d) => d.state !== "incomplete").map((d) => d.prefix));
  const present = chosen.filter((c) => held.has(c.prefix)).map((c) => c.prefix);
  const missing = chosen.filter((c) => !held.has(c.prefix));
  if (!missing.length) return { bring: [], skipped, present };

  // The destination after bringing everything missing, as its rotation would judge it.
  const after = [...destination.filter((d) => d.state !== "incomplete"), ...missing.map((c) => ({ prefix: c.prefix, state: c.state, size: c.size }))];
  const newest = [...after].sort((a, b) => (a.prefix < b.prefix ? -1 : 1)).at(-1)!.prefix;
  const removed = new Set(chooseRemovals(after, newest, limits, now).remove);
  const bring: C[] = [];
  for (const c of missing) {
    if (removed.has(c.prefix)) skipped.push({ prefix: c.prefix, why: "the destination's rotation would remove it at once", warn: false });
    else bring.push(c);
  }
  return { bring, skipped, present };
}
