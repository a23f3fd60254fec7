import { describe, expect, test } from "bun:test";
import { applyKeepPolicy, parseKeepDuration, type KeepPolicy } from "../../src/backup/retention.ts";
import { chooseRemovals, REASON_FUTURE, type RotationCopy } from "../../src/backup/rotation.ts";
import { prefixOf } from "../../src/backup/prefix.ts";
import { oracle } from "./_restic-oracle.ts";

const DAY = 86_400_000;
const HOUR = 3_600_000;

const policy = (p: Partial<Omit<KeepPolicy, "within">> & { within?: string } = {}): KeepPolicy => ({
  last: 0, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0, timeZone: "UTC",
  ...p, within: p.within === undefined ? null : parseKeepDuration(p.within)!,
});
const dated = (times: readonly number[]) => times.map((t) => ({ prefix: prefixOf(new Date(t)), time: t }));
const keptPrefixes = (m: Map<string, string[]>) => [...m.keys()].sort();
const copiesAt = (times: readonly number[], size = 1) => times.map((t): RotationCopy => ({ prefix: prefixOf(new Date(t)), size: BigInt(size), state: "complete" }));

/** Deterministic pseudo-random numbers (mulberry32), so a failing history can be replayed. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A daily history from `start` over `days` days at 03:00 UTC plus some minutes, skipping days with probability `gap`. */
function dailyHistory(start: number, days: number, gap: number, seed: number): number[] {
  const r = rng(seed);
  const out: number[] = [];
  for (let d = 0; d < days; d++) if (r() >= gap) out.push(start + d * DAY + 3 * HOUR + Math.floor(r() * 50) * 60_000);
  return out;
}

describe("retention by age (restic forget semantics)", () => {
  test("restic's documented example: 12 Sundays, keep-daily 4 keeps the last four Sundays", () => {
    const sundays = Array.from({ length: 12 }, (_, i) => Date.parse("2019-09-01T11:00:00Z") + i * 7 * DAY);
    const kept = applyKeepPolicy(dated(sundays), policy({ daily: 4 }));
    expect(keptPrefixes(kept)).toEqual(["2019-10-27T11:00:00+00:00", "2019-11-03T11:00:00+00:00", "2019-11-10T11:00:00+00:00", "2019-11-17T11:00:00+00:00"]);
    for (const why of kept.values()) expect(why).toEqual(["daily"]);
  });

  test("restic's documented example: daily copies for years, 7 daily 5 weekly 12 monthly 75 yearly", () => {
    // 2016-01-01 to Sunday 2025-12-28: the newest copy ends a week, as in the docs' reading
    const times = dailyHistory(Date.parse("2016-01-01T00:00:00Z"), (Date.parse("2025-12-28") - Date.parse("2016-01-01")) / DAY + 1, 0, 1);
    const p = policy({ daily: 7, weekly: 5, monthly: 12, yearly: 75 });
    const kept = applyKeepPolicy(dated(times), p);
    const byRule = (r: string) => [...kept.values()].filter((w) => w.includes(r)).length;
    expect(byRule("daily")).toBe(7);
    expect(byRule("weekly")).toBe(5);
    expect(byRule("monthly")).toBe(12);
    // weekly adds 4 beyond the 7 dailies (these include the newest week's last day), as the docs say
    expect([...kept.values()].filter((w) => w.includes("weekly") && !w.includes("daily")).length).toBe(4);
    expect(keptPrefixes(kept)).toEqual(oracle(times, p));
    // 75 yearly periods were asked for and the history holds 11 years: the oldest copy is kept too
    expect(kept.get(prefixOf(new Date(times[0]!)))).toEqual(["oldest yearly"]);
  });

  for (const seed of [7, 42, 1234]) {
    test(`a year of daily copies with gaps (seed ${seed}) keeps exactly what restic's rule keeps`, () => {
      const times = dailyHistory(Date.parse("2025-01-01T00:00:00Z"), 365, 0.3, seed);
      for (const p of [
        policy({ daily: 7, weekly: 4, monthly: 6 }),
        policy({ last: 3, weekly: 8, yearly: 2 }),
        policy({ daily: 30, monthly: 24 }),
        policy({ hourly: 5, weekly: -1 }),
      ]) {
        expect(keptPrefixes(applyKeepPolicy(dated(times), p))).toEqual(oracle(times, p));
      }
    });
  }

  test("a copy kept by several rules names each of them", () => {
    const times = dailyHistory(Date.parse("2025-01-01T00:00:00Z"), 40, 0, 3);
    const kept = applyKeepPolicy(dated(times), policy({ last: 1, daily: 2, monthly: 1, within: "1d" }));
    expect(kept.get(prefixOf(new Date(times.at(-1)!)))).toEqual(["within 1d", "last", "daily", "monthly"]);
  });

  test("periods are wall-clock periods in the policy's time zone", () => {
    // 2026-06-30T22:30Z is already July in Berlin (UTC+2)
    const times = [Date.parse("2026-06-15T12:00:00Z"), Date.parse("2026-06-30T22:30:00Z")];
    expect(keptPrefixes(applyKeepPolicy(dated(times), policy({ monthly: 1, timeZone: "UTC" })))).toEqual([prefixOf(new Date(times[1]!))]);
    expect(keptPrefixes(applyKeepPolicy(dated(times), policy({ monthly: 2, timeZone: "Europe/Berlin" })))).toEqual(times.map((t) => prefixOf(new Date(t))).sort());
  });

  test("DST fall-back: the repeated 01:00 hour in New York is one hourly period", () => {
    // 2026-11-01 01:30 EDT = 05:30Z and 01:30 EST = 06:30Z
    const times = [Date.parse("2026-11-01T04:30:00Z"), Date.parse("2026-11-01T05:30:00Z"), Date.parse("2026-11-01T06:30:00Z"), Date.parse("2026-11-01T07:30:00Z")];
    const ny = applyKeepPolicy(dated(times), policy({ hourly: 10, timeZone: "America/New_York" }));
    expect(ny.has(prefixOf(new Date(times[1]!)))).toBe(false);
    expect(ny.size).toBe(3);
    expect(applyKeepPolicy(dated(times), policy({ hourly: 10 })).size).toBe(4);
  });

  test("DST spring-forward: every 6 hours for 10 days, daily keeps the last copy of each Berlin day", () => {
    const times = Array.from({ length: 40 }, (_, i) => Date.parse("2026-03-24T01:00:00Z") + i * 6 * HOUR);
    const kept = applyKeepPolicy(dated(times), policy({ daily: 7, timeZone: "Europe/Berlin" }));
    expect(kept.size).toBe(7);
    const berlinDate = (t: number) => new Date(t).toLocaleDateString("sv", { timeZone: "Europe/Berlin" });
    for (const prefix of kept.keys()) {
      const t = Date.parse(prefix);
      const sameDay = times.filter((u) => berlinDate(u) === berlinDate(t));
      expect(t).toBe(Math.max(...sameDay));
    }
    // 19:00Z is 20:00 CET before 29 March and 21:00 CEST after: both are the day's last copy
    expect(kept.has("2026-03-28T19:00:00+00:00") && kept.has("2026-03-29T19:00:00+00:00")).toBe(true);
  });

  test("within counts back from the newest copy in calendar terms, as Go's AddDate does", () => {
    expect(parseKeepDuration("2y5m7d3h")).toEqual({ text: "2y5m7d3h", years: 2, months: 5, days: 7, hours: 3 });
    expect(parseKeepDuration("10x")).toBeNull();
    expect(parseKeepDuration("")).toBeNull();
    // one month before 31 March is "31 February" = 3 March
    const times = [Date.parse("2026-03-03T11:59:59Z"), Date.parse("2026-03-03T12:00:00Z"), Date.parse("2026-03-03T12:00:01Z"), Date.parse("2026-03-31T12:00:00Z")];
    expect(keptPrefixes(applyKeepPolicy(dated(times), policy({ within: "1m" })))).toEqual(dated(times.slice(2)).map((c) => c.prefix));
  });
});

describe("rotation with keep rules, limits and copies from the future", () => {
  const now = new Date("2026-11-30T12:00:00Z");
  const history = dailyHistory(Date.parse("2025-12-01T00:00:00Z"), 365, 0.2, 99);
  const newest = prefixOf(new Date(history.at(-1)!));

  test("every copy gets keep or remove and the rule that decided it", () => {
    const r = chooseRemovals(copiesAt(history), newest, { nbCopyLimit: null, rootSizeLimit: null, keep: policy({ daily: 7, weekly: 4, monthly: 12 }) }, now);
    expect(r.decisions).toHaveLength(history.length);
    for (const d of r.decisions) expect(d.reasons.length).toBeGreaterThan(0);
    const kept = r.decisions.filter((d) => d.action === "keep").map((d) => d.prefix);
    expect(kept).toEqual(oracle(history, policy({ daily: 7, weekly: 4, monthly: 12 })));
    expect(r.remove.sort()).toEqual(r.decisions.filter((d) => d.action === "remove").map((d) => d.prefix));
    expect(r.decisions.find((d) => d.prefix === newest)!.reasons[0]).toBe("new copy");
  });

  test("nbCopyLimit applies after the keep rules and may remove copies they keep, reported as overridden", () => {
    const r = chooseRemovals(copiesAt(history), newest, { nbCopyLimit: 5n, rootSizeLimit: null, keep: policy({ daily: 7 }) }, now);
    expect(r.decisions.filter((d) => d.action === "keep").map((d) => d.prefix)).toEqual(oracle(history, policy({ daily: 7 })).slice(2));
    expect(r.overridden).toEqual(oracle(history, policy({ daily: 7 })).slice(0, 2));
    expect(r.decisions.find((d) => d.prefix === r.overridden[0])!.reasons).toEqual(["daily", "over nbCopyLimit"]);
  });

  test("rootSizeLimit applies last: the kept copies fit under it, oldest removed first", () => {
    const r = chooseRemovals(copiesAt(history, 10), newest, { nbCopyLimit: null, rootSizeLimit: 35n, keep: policy({ daily: 7 }) }, now);
    expect(r.decisions.filter((d) => d.action === "keep")).toHaveLength(3);
    expect(r.overridden).toHaveLength(4);
    expect(r.decisions.find((d) => d.prefix === r.overridden[0])!.reasons.at(-1)).toBe("over rootSizeLimit");
  });

  test("a copy from the future is kept, named, and takes no slot of a real copy", () => {
    const copies = [...copiesAt(history), { prefix: "9999-12-31T23:59:59+00:00", size: 1n, state: "complete" as const }];
    const r = chooseRemovals(copies, newest, { nbCopyLimit: 3n, rootSizeLimit: null, keep: policy({ last: 3, within: "2d" }) }, now);
    expect(r.future).toEqual(["9999-12-31T23:59:59+00:00"]);
    expect(r.decisions.find((d) => d.prefix === "9999-12-31T23:59:59+00:00")).toMatchObject({ action: "keep", reasons: [REASON_FUTURE] });
    // three real copies kept, as if the future one were not there; within counts from the newest real copy
    expect(r.decisions.filter((d) => d.action === "keep" && d.prefix !== "9999-12-31T23:59:59+00:00").map((d) => d.prefix)).toEqual(copiesAt(history.slice(-3)).map((c) => c.prefix));
  });

  test("without keep rules a future copy does not count against nbCopyLimit either", () => {
    const copies = copiesAt([Date.parse("2026-11-28T00:00:00Z"), Date.parse("2026-11-29T00:00:00Z"), Date.parse("2027-01-01T00:00:00Z")]);
    const r = chooseRemovals(copies, "2026-11-29T00:00:00+00:00", { nbCopyLimit: 2n, rootSizeLimit: null }, now);
    expect(r.remove).toEqual([]);
    expect(r.future).toEqual(["2027-01-01T00:00:00+00:00"]);
  });
});

describe("the README's retention example", () => {
  test("last 2, daily 3, weekly 2, monthly 3 over a history with gaps, two copies on one day and one from the future", () => {
    const history = ["2026-08-30T03", "2026-09-15T03", "2026-09-30T03", "2026-10-11T03", "2026-10-25T03", "2026-10-31T03", "2026-11-08T03", "2026-11-14T03", "2026-11-16T03", "2026-11-18T03", "2026-11-20T03", "2026-11-21T03", "2026-11-21T15", "2026-11-22T03", "2031-01-01T00"].map((h) => `${h}:00:00+00:00`);
    const r = chooseRemovals(history.map((prefix) => ({ prefix, size: 1n, state: "complete" as const })), "2026-11-22T03:00:00+00:00", { nbCopyLimit: null, rootSizeLimit: null, keep: policy({ last: 2, daily: 3, weekly: 2, monthly: 3 }) }, new Date("2026-11-22T03:05:00Z"));
    const kept = Object.fromEntries(r.decisions.filter((d) => d.action === "keep").map((d) => [d.prefix.slice(0, 13), d.reasons.join(", ")]));
    expect(kept).toEqual({
      "2026-09-30T03": "monthly",
      "2026-10-31T03": "monthly",
      "2026-11-14T03": "weekly",
      "2026-11-20T03": "daily",
      "2026-11-21T15": "last, daily",
      "2026-11-22T03": "new copy, last, daily, weekly, monthly",
      "2031-01-01T00": REASON_FUTURE,
    });
  });
});
