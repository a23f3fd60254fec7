/**
 * Rotation: which old copies to remove after a successful copy. Order of the
 * rules, each seeing only what the one before kept:
 *   1. incomplete copies (other than the new one) are leftovers of dead runs: removed;
 *   2. copies dated after now (a wrong clock) are set aside: kept, never counted, warned about;
 *   3. the `keep` policy (retention by age), when set: copies no rule keeps are removed;
 *   4. PALHM's nbCopyLimit, then rootSizeLimit, over what is left: oldest first, the
 *      new copy never. These may remove copies a keep rule wanted (reported as overridden).
 */
import type { CopyState } from "../copies/names.ts";
import type { Limit } from "./decimal.ts";
import { applyKeepPolicy, type KeepPolicy } from "./retention.ts";

export interface RotationCopy {
  readonly prefix: string;
  readonly size: bigint;
  readonly state: CopyState;
}

export interface RotationLimits {
  readonly nbCopyLimit: Limit;
  readonly rootSizeLimit: Limit;
  /** Retention by age; null or absent: only the limits apply. */
  readonly keep?: KeepPolicy | null;
}

export type CopyAction = "keep" | "remove";

/** What rotation does with one copy, and the rule(s) that decided it. */
export interface CopyDecision {
  readonly prefix: string;
  readonly state: CopyState;
  readonly size: bigint;
  readonly action: CopyAction;
  readonly reasons: readonly string[];
}

export interface RotationChoice {
  /** Prefixes to remove, in order: incomplete copies first, then the oldest complete/legacy ones. */
  readonly remove: string[];
  /** The size limit removed every older copy (the new copy alone is all that is left). */
  readonly warnAllRemoved: boolean;
  /** The new copy alone is larger than the size limit. */
  readonly newExceedsSize: boolean;
  /** Every copy, oldest first, with keep/remove and why. */
  readonly decisions: CopyDecision[];
  /** Copies dated after `now`: kept, outside every rule and limit. */
  readonly future: string[];
  /** Copies a keep rule wanted that nbCopyLimit or rootSizeLimit removed. */
  readonly overridden: string[];
}

export const REASON_NEW = "new copy";
export const REASON_FUTURE = "dated in the future (clock?): kept outside rotation";
export const REASON_INCOMPLETE = "incomplete (run died)";
export const REASON_NO_RULE = "no keep rule";
export const REASON_LIMITS = "within limits";

/**
 * `copies` in any order (sorted here, oldest first by prefix). `newPrefix` (the copy this
 * run made; null when none) is never removed. Limits remove from the oldest until the
 * removed bytes cover the excess size and the number removed covers the excess count.
 */
export function chooseRemovals(copies: readonly RotationCopy[], newPrefix: string | null, limits: RotationLimits, now: Date = new Date()): RotationChoice {
  const sorted = [...copies].sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0));
  const reasons = new Map<string, string[]>(sorted.map((c) => [c.prefix, []]));
  const action = new Map<string, CopyAction>();
  const decide = (prefix: string, a: CopyAction, why: string) => {
    action.set(prefix, a);
    reasons.get(prefix)!.push(why);
  };

  const remove: string[] = [];
  const future: string[] = [];
  let candidates: RotationCopy[] = [];
  for (const c of sorted) {
    if (c.prefix === newPrefix) candidates.push(c);
    else if (c.state === "incomplete") {
      decide(c.prefix, "remove", REASON_INCOMPLETE);
      remove.push(c.prefix);
    } else if (_timeOf(c.prefix) > now.getTime()) {
      decide(c.prefix, "keep", REASON_FUTURE);
      future.push(c.prefix);
    } else candidates.push(c);
  }

  if (limits.keep) {
    const dated = candidates.map((c) => ({ prefix: c.prefix, time: _timeOf(c.prefix) })).filter((c) => !Number.isNaN(c.time));
    const kept = applyKeepPolicy(dated, limits.keep);
    candidates = candidates.filter((c) => {
      const why = kept.get(c.prefix);
      if (why) reasons.get(c.prefix)!.push(...why);
      if (why || c.prefix === newPrefix) return true;
      decide(c.prefix, "remove", REASON_NO_RULE);
      remove.push(c.prefix);
      return false;
    });
  }

  const { removed, warnAllRemoved, newExceedsSize } = _applyLimits(candidates, newPrefix, limits);
  const overridden: string[] = [];
  for (const c of candidates) {
    const by = removed.get(c.prefix);
    if (by) {
      if (reasons.get(c.prefix)!.length) overridden.push(c.prefix);
      decide(c.prefix, "remove", by);
      remove.push(c.prefix);
    } else {
      if (c.prefix === newPrefix) reasons.get(c.prefix)!.unshift(REASON_NEW);
      if (!reasons.get(c.prefix)!.length) reasons.get(c.prefix)!.push(REASON_LIMITS);
      action.set(c.prefix, "keep");
    }
  }
  const decisions = sorted.map((c) => ({ prefix: c.prefix, state: c.state, size: c.size, action: action.get(c.prefix)!, reasons: reasons.get(c.prefix)! }));
  return { remove, warnAllRemoved, newExceedsSize, decisions, future, overridden };
}

/** PALHM's count and size limits over `kept` (oldest first): which are removed, and by which limit. */
function _applyLimits(kept: readonly RotationCopy[], newPrefix: string | null, limits: RotationLimits) {
  const removed = new Map<string, string>();
  const total = kept.reduce((sum, c) => sum + c.size, 0n);
  const excessSize = limits.rootSizeLimit === null ? 0n : total - limits.rootSizeLimit;
  const excessCount = limits.nbCopyLimit === null ? 0n : BigInt(kept.length) - limits.nbCopyLimit;
  const newSize = kept.find((c) => c.prefix === newPrefix)?.size ?? 0n;
  const newExceedsSize = limits.rootSizeLimit !== null && newSize > limits.rootSizeLimit;
  if (excessSize <= 0n && excessCount <= 0n) return { removed, warnAllRemoved: false, newExceedsSize };

  const older = kept.filter((c) => c.prefix !== newPrefix);
  let bytes = 0n;
  let count = 0n;
  let sizeForcedLast = false;
  for (const c of older) {
    if (bytes >= excessSize && count >= excessCount) break;
    sizeForcedLast = bytes < excessSize;
    const by = "over " + [count < excessCount ? "nbCopyLimit" : null, bytes < excessSize ? "rootSizeLimit" : null].filter(Boolean).join(" + ");
    removed.set(c.prefix, by);
    bytes += c.size;
    count += 1n;
  }
  const allOlderGone = older.length > 0 && count === BigInt(older.length);
  return { removed, warnAllRemoved: allOlderGone && sizeForcedLast, newExceedsSize };
}

/** The instant a prefix names (NaN for a name that is not a date). */
function _timeOf(prefix: string): number {
  return Date.parse(prefix);
}
