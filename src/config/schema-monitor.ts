/**
 * The valibot schema of retention by age (`keep`) and of monitoring (`status`,
 * `pings`, `metrics`, `statusDir`): spread into schema.ts's task, backend and
 * config objects.
 */
import * as v from "valibot";
import { parseKeepDuration } from "../backup/retention.ts";
import { checkTimeZone } from "../backup/calendar.ts";
import { parseDuration } from "../monitor/duration.ts";
import { PING_KINDS } from "../monitor/pings.ts";

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

/** The schema entry spread into each storing backend's schema. */
export const keepField = { keep: v.optional(keepSchema) };

const duration = v.pipe(
  v.string(),
  v.check((s) => parseDuration(s) !== null, (i) => `expected a duration such as "26h", "2d", "1d12h", "90m" (minutes) or "45s", got ${JSON.stringify(i.input)}`),
);

export const statusSchema = v.strictObject({ warnAfter: v.optional(duration), critAfter: v.optional(duration) });

const pingUrl = v.pipe(
  v.string(),
  v.check((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), (i) => `expected an http:// or https:// URL, got ${JSON.stringify(String(i.input).replace(/\/\/[^/@]*@/, "//***@"))}`),
);

export const pingSchema = v.strictObject({
  type: v.picklist(PING_KINDS),
  url: pingUrl,
  events: v.optional(v.array(v.picklist(["start", "success", "failure"]))),
  timeout: v.optional(v.pipe(v.number(), v.check((n) => Number.isFinite(n) && n > 0 && n <= 300, "must be a number of seconds > 0 and <= 300"))),
  headers: v.optional(v.record(v.string(), v.string())),
});

/** The schema entries a task takes. */
export const taskMonitorFields = { status: v.optional(statusSchema), pings: v.optional(v.array(pingSchema)) };

/** The schema entries the config takes at its top. */
export const configMonitorFields = {
  status: v.optional(statusSchema),
  pings: v.optional(v.array(pingSchema)),
  metrics: v.optional(v.strictObject({ textfile: v.pipe(v.string(), v.check((s) => s.startsWith("/") && !s.includes("\0"), "must be an absolute path")) })),
  statusDir: v.optional(v.pipe(v.string(), v.check((s) => s.length > 0 && !s.includes("\0"), "must be a directory path"))),
};

export type CheckedStatus = v.InferOutput<typeof statusSchema>;
export type CheckedPing = v.InferOutput<typeof pingSchema>;
export type CheckedKeep = v.InferOutput<typeof keepSchema>;
