/**
 * Rotation: which old copies to remove after a successful copy, per PALHM's
 * rule, plus palhm's handling of copies left incomplete by dead runs.
 */
import type { CopyState } from "../backends/types.ts";
import type { Limit } from "./decimal.ts";

export interface RotationCopy {
  readonly prefix: string;
  readonly size: bigint;
  readonly state: CopyState;
}

export interface RotationLimits {
  readonly nbCopyLimit: Limit;
  readonly rootSizeLimit: Limit;
}

export interface RotationChoice {
  /** Prefixes to remove, in order: incomplete copies first, then the oldest complete/legacy ones. */
  readonly remove: string[];
  /** The size limit removed every older copy (the new copy alone is all that is left). */
  readonly warnAllRemoved: boolean;
  /** The new copy alone is larger than the size limit. */
  readonly newExceedsSize: boolean;
}

/**
 * `copies` in any order (sorted here, oldest first by prefix). Incomplete copies other
 * than the new one are removed and never counted. Then, if the kept copies exceed a
 * limit, remove from the oldest (never `newPrefix`) until the removed bytes cover the
 * excess size and the number removed covers the excess count.
 */
export function chooseRemovals(copies: readonly RotationCopy[], newPrefix: string, limits: RotationLimits): RotationChoice {
  const sorted = [...copies].sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0));
  const remove = sorted.filter((c) => c.state === "incomplete" && c.prefix !== newPrefix).map((c) => c.prefix);
  const kept = sorted.filter((c) => c.state !== "incomplete" || c.prefix === newPrefix);
  const total = kept.reduce((sum, c) => sum + c.size, 0n);
  const excessSize = limits.rootSizeLimit === null ? 0n : total - limits.rootSizeLimit;
  const excessCount = limits.nbCopyLimit === null ? 0n : BigInt(kept.length) - limits.nbCopyLimit;
  const newSize = kept.find((c) => c.prefix === newPrefix)?.size ?? 0n;
  const newExceedsSize = limits.rootSizeLimit !== null && newSize > limits.rootSizeLimit;
  if (excessSize <= 0n && excessCount <= 0n) return { remove, warnAllRemoved: false, newExceedsSize };

  const older = kept.filter((c) => c.prefix !== newPrefix);
  let bytes = 0n;
  let count = 0n;
  let sizeForcedLast = false;
  for (const c of older) {
    if (bytes >= excessSize && count >= excessCount) break;
    sizeForcedLast = bytes < excessSize;
    remove.push(c.prefix);
    bytes += c.size;
    count += 1n;
  }
  const allOlderGone = older.length > 0 && count === BigInt(older.length);
  return { remove, warnAllRemoved: allOlderGone && sizeForcedLast, newExceedsSize };
}
