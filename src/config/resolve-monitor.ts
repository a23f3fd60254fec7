/** Monitoring settings with defaults: the status directory, the metrics textfile, pings and thresholds per task. */
import type { StatusThresholds } from "../monitor/check.ts";
import { parseDuration } from "../monitor/duration.ts";
import type { ResolvedMonitoring } from "../monitor/observe.ts";
import { DEFAULT_EVENTS, DEFAULT_PING_TIMEOUT_S, type ResolvedPing } from "../monitor/pings.ts";
import { statusDir } from "../monitor/status-dir.ts";
import type { MergedConfig } from "./merge.ts";
import type { CheckedPing, CheckedStatus } from "./schema-monitor.ts";

export function resolveThresholds(s: CheckedStatus | undefined, fallback: StatusThresholds = { warnAfterMs: null, critAfterMs: null }): StatusThresholds {
  return {
    warnAfterMs: s?.warnAfter === undefined ? fallback.warnAfterMs : parseDuration(s.warnAfter),
    critAfterMs: s?.critAfter === undefined ? fallback.critAfterMs : parseDuration(s.critAfter),
  };
}

export function resolvePing(p: CheckedPing): ResolvedPing {
  return {
    type: p.type,
    url: p.url,
    events: p.events ? [...new Set(p.events)] : DEFAULT_EVENTS[p.type],
    timeoutMs: (p.timeout ?? DEFAULT_PING_TIMEOUT_S) * 1000,
    headers: p.headers ?? {},
  };
}

export function resolveMonitoring(merged: MergedConfig, env: Record<string, string | undefined>): ResolvedMonitoring {
  const global = resolveThresholds(merged.monitor.status);
  const tasks = new Map<string, { status: StatusThresholds; pings: ResolvedPing[] }>();
  for (const [id, { value: t }] of merged.tasks) {
    tasks.set(id, { status: resolveThresholds(t.status, global), pings: (t.pings ?? []).map(resolvePing) });
  }
  return {
    statusDir: statusDir(merged.monitor.statusDir, env),
    metricsTextfile: merged.monitor.metricsTextfile ?? null,
    pings: merged.monitor.pings.flatMap((p) => p.value.map(resolvePing)),
    tasks,
  };
}
