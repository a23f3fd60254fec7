/**
 * Retention by age, with restic `forget` semantics: for each period rule, the
 * newest copy of each of the last N periods (hours, days, ISO weeks, months,
 * years with at least one copy) is kept; `last` keeps the newest N; `within`
 * keeps every copy made within a duration of the newest one. A copy kept by
 * any rule is kept. While a rule still has periods left when the history ends,
 * the oldest copy is kept too ("oldest daily", as restic does). Periods are
 * wall-clock periods in the policy's time zone.
 */
import { instantOf, isoWeek, wallOf, type Wall } from "./calendar.ts";

/** A rule's count: how many periods (or copies, for `last`) to keep; -1 keeps every period. */
export type KeepCount = number;

/** restic's duration: years, months, days and hours, e.g. `1y6m`, `10d`, `2y5m7d3h`. */
export interface KeepDuration {
  readonly text: string;
  readonly years: number;
  readonly months: number;
  readonly days: number;
  readonly hours: number;
}

export interface KeepPolicy {
  readonly last: KeepCount;
  readonly hourly: KeepCount;
  readonly daily: KeepCount;
  readonly weekly: KeepCount;
  readonly monthly: KeepCount;
  readonly yearly: KeepCount;
  readonly within: KeepDuration | null;
  /** IANA time zone the periods are counted in. */
  readonly timeZone: string;
}

export const PERIOD_RULES = ["last", "hourly", "daily", "weekly", "monthly", "yearly"] as const;
export type PeriodRule = (typeof PERIOD_RULES)[number];

const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)m)?(?:(\d+)d)?(?:(\d+)h)?$/;

/** Parses restic's duration form; null when `text` is not one. */
export function parseKeepDuration(text: string): KeepDuration | null {
  const m = DURATION_RE.exec(text);
  if (!m || text === "") return null;
  const n = (i: number) => Number(m[i] ?? 0);
  return { text, years: n(1), months: n(2), days: n(3), hours: n(4) };
}

/** A copy the policy looks at: its prefix and the instant it names. */
export interface DatedCopy {
  readonly prefix: string;
  readonly time: number;
}

/** The reasons each kept copy is kept for; copies absent from the map are not kept by any rule. */
export function applyKeepPolicy(copies: readonly DatedCopy[], policy: KeepPolicy): Map<string, string[]> {
  const newestFirst = [...copies].sort((a, b) => b.time - a.time);
  const kept = new Map<string, string[]>();
  if (!newestFirst.length) return kept;
  const buckets = PERIOD_RULES.map((rule) => ({ rule, left: policy[rule], last: null as string | null }));
  const cutoff = policy.within ? _withinCutoff(newestFirst[0]!.time, policy.within, policy.timeZone) : null;
  newestFirst.forEach((copy, nr) => {
    const reasons: string[] = [];
    if (cutoff !== null && copy.time > cutoff) reasons.push(`within ${policy.within!.text}`);
    const wall = wallOf(copy.time, policy.timeZone);
    const oldest = nr === newestFirst.length - 1;
    for (const b of buckets) {
      if (b.left === 0) continue;
      const period = b.rule === "last" ? String(nr) : _period(b.rule, wall);
      if (period === b.last && !oldest) continue;
      reasons.push(period === b.last ? `oldest ${b.rule}` : b.rule);
      b.last = period;
      if (b.left > 0) b.left--;
    }
    if (reasons.length) kept.set(copy.prefix, reasons);
  });
  return kept;
}

function _period(rule: Exclude<PeriodRule, "last">, w: Wall): string {
  switch (rule) {
    case "hourly":
      return `${w.year}-${w.month}-${w.day}T${w.hour}`;
    case "daily":
      return `${w.year}-${w.month}-${w.day}`;
    case "weekly": {
      const { year, week } = isoWeek(w.year, w.month, w.day);
      return `${year}W${week}`;
    }
    case "monthly":
      return `${w.year}-${w.month}`;
    case "yearly":
      return `${w.year}`;
  }
}

/** The newest copy's wall time minus years, months and days (normalised as Go's AddDate), then minus hours. */
function _withinCutoff(newest: number, d: KeepDuration, timeZone: string): number {
  const w = wallOf(newest, timeZone);
  const shifted = instantOf({ ...w, year: w.year - d.years, month: w.month - d.months, day: w.day - d.days }, timeZone);
  return shifted - d.hours * 3_600_000;
}

/** One line describing a policy, e.g. `7 daily, 4 weekly, within 10d (Europe/Berlin)`. */
export function describeKeepPolicy(p: KeepPolicy): string {
  const parts = PERIOD_RULES.filter((r) => p[r] !== 0).map((r) => `${p[r] === -1 ? "every" : p[r]} ${r}`);
  if (p.within) parts.push(`within ${p.within.text}`);
  return `${parts.join(", ")} (${p.timeZone})`;
}
