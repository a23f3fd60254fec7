/** restic's `forget` rule restated independently (UTC, plain grouping), as the oracle the retention tests compare with. */
import { isoWeek } from "../../src/backup/calendar.ts";
import { prefixOf } from "../../src/backup/prefix.ts";
import type { KeepPolicy } from "../../src/backup/retention.ts";

/**
 * An independent statement of restic's rule, in UTC: for each rule, the newest copy of each
 * of the N newest periods that have a copy; plus the oldest copy while a rule has periods left.
 */
export function oracle(times: readonly number[], p: KeepPolicy): string[] {
  const keys: Record<string, (t: Date) => string> = {
    hourly: (t) => t.toISOString().slice(0, 13),
    daily: (t) => t.toISOString().slice(0, 10),
    weekly: (t) => JSON.stringify(isoWeek(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate())),
    monthly: (t) => t.toISOString().slice(0, 7),
    yearly: (t) => t.toISOString().slice(0, 4),
  };
  const newestFirst = [...times].sort((a, b) => b - a);
  const kept = new Set<number>(newestFirst.slice(0, p.last === -1 ? undefined : p.last));
  for (const [rule, key] of Object.entries(keys)) {
    const n = p[rule as "hourly" | "daily" | "weekly" | "monthly" | "yearly"];
    if (n === 0) continue;
    const newestOfPeriod = new Map<string, number>();
    for (const t of newestFirst) if (!newestOfPeriod.has(key(new Date(t)))) newestOfPeriod.set(key(new Date(t)), t);
    [...newestOfPeriod.values()].slice(0, n === -1 ? undefined : n).forEach((t) => kept.add(t));
    const periodsBeforeOldest = new Set(newestFirst.slice(0, -1).map((t) => key(new Date(t)))).size;
    if (n === -1 || periodsBeforeOldest < n) kept.add(newestFirst.at(-1)!);
  }
  return [...kept].map((t) => prefixOf(new Date(t))).sort();
}
