/**
 * The valibot schema of monitoring (`status`, `pings`, `metrics`, `statusDir`):
 * spread into schema.ts's task and config objects.
 */
import * as v from "valibot";
import { parseDuration } from "../monitor/duration.ts";
import { PING_KINDS } from "../monitor/pings.ts";

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
