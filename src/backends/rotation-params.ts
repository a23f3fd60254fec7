/** The rotation parameters every storing backend takes (PALHM's count and size limits, and retention by age). */
import * as v from "valibot";
import { parseLimit, type Limit } from "../backup/decimal.ts";
import { checkTimeZone, hostTimeZone } from "../backup/calendar.ts";
import { parseKeepDuration, PERIOD_RULES, type KeepPolicy } from "../backup/retention.ts";
import type { ParamSite, RotationLimits } from "./descriptor.ts";

/** Decimal: a number, or a string of digits (bytes may pass 2^53), or "inf". */
type Decimal = number | string;

/** Rotation limits, shared by every storing backend. */
export interface RotationParam {
  /** Number of copies to keep. @default "inf" */
  nbCopyLimit?: Decimal;
  /** Total bytes allowed under the backend root. @default "inf" */
  rootSizeLimit?: Decimal;
  /**
   * Retention by age, with restic `forget` semantics: for each period rule, the newest copy of each of
   * the last N periods that have a copy is kept; a copy kept by any rule is kept; the others are removed.
   * Applied before nbCopyLimit and rootSizeLimit, which may still remove copies these rules keep (with a warning).
   * @example { daily: 7, weekly: 4, monthly: 12, yearly: 3 }
   */
  keep?: KeepParam;
}

/** A rule's count: a whole number, or "unlimited" for every period. */
export type KeepCount = number | "unlimited";

/** Retention rules (restic's `--keep-*`). At least one must keep something. */
export interface KeepParam {
  /** The newest N copies. */
  last?: KeepCount;
  /** The newest copy of each of the last N hours that have a copy. */
  hourly?: KeepCount;
  /** The newest copy of each of the last N days that have a copy. */
  daily?: KeepCount;
  /** The newest copy of each of the last N ISO weeks (Monday to Sunday) that have a copy. */
  weekly?: KeepCount;
  /** The newest copy of each of the last N months that have a copy. */
  monthly?: KeepCount;
  /** The newest copy of each of the last N years that have a copy. */
  yearly?: KeepCount;
  /**
   * Every copy made within this long before the newest copy: years, months, days, hours (restic's form; m = months).
   * @example "10d"
   * @example "1y6m"
   */
  within?: string;
  /**
   * The IANA time zone hours, days, weeks, months and years are counted in.
   * @default the host's (TZ, else /etc/localtime)
   * @example "Europe/Berlin"
   */
  timeZone?: string;
}

const decimal = v.union([v.number(), v.string()]);

const keepCount = v.union([
  v.pipe(v.number(), v.check((n) => Number.isInteger(n) && n >= 0, (i) => `expected a whole number >= 0 or "unlimited", got ${String(i.input)}`)),
  v.literal("unlimited"),
]);

export const keepSchema = v.pipe(
  v.strictObject({
    last: v.optional(keepCount),
    hourly: v.optional(keepCount),
    daily: v.optional(keepCount),
    weekly: v.optional(keepCount),
    monthly: v.optional(keepCount),
    yearly: v.optional(keepCount),
    within: v.optional(
      v.pipe(v.string(), v.check((s) => parseKeepDuration(s) !== null, (i) => `expected years, months, days and hours such as "1y6m", "10d" or "2y5m7d3h", got ${JSON.stringify(i.input)}`)),
    ),
    timeZone: v.optional(v.pipe(v.string(), v.check((s) => checkTimeZone(s) === null, (i) => checkTimeZone(String(i.input))!))),
  }),
  v.check(
    (k) => ["last", "hourly", "daily", "weekly", "monthly", "yearly"].some((r) => (k as Record<string, unknown>)[r] !== undefined && (k as Record<string, unknown>)[r] !== 0) || k.within !== undefined,
    "keep names no rule that keeps a copy: set at least one of last, hourly, daily, weekly, monthly, yearly (> 0) or within",
  ),
);


/** The schema entries of RotationParam, spread into each storing backend's schema. */
export const rotationFields = { nbCopyLimit: v.optional(decimal), rootSizeLimit: v.optional(decimal), keep: v.optional(keepSchema) };

export function resolveRotation(checked: RotationParam, at: ParamSite): RotationLimits {
  const limit = (field: "nbCopyLimit" | "rootSizeLimit"): Limit => {
    try {
      return parseLimit(checked[field]);
    } catch (e) {
      return at.fail(field, (e as Error).message);
    }
  };
  const keep = resolveKeep(checked.keep);
  return { nbCopyLimit: limit("nbCopyLimit"), rootSizeLimit: limit("rootSizeLimit"), ...(keep ? { keep } : {}) };
}

/** The schema checked the shape, the duration and the time zone already. */
export function resolveKeep(k: KeepParam | undefined): KeepPolicy | null {
  if (!k) return null;
  const count = (c: KeepCount | undefined) => (c === "unlimited" ? -1 : (c ?? 0));
  const rules = Object.fromEntries(PERIOD_RULES.map((r) => [r, count(k[r])])) as Record<(typeof PERIOD_RULES)[number], number>;
  return { ...rules, within: k.within === undefined ? null : parseKeepDuration(k.within), timeZone: k.timeZone ?? hostTimeZone() };
}
