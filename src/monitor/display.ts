/** Monitoring settings as `palhm config` shows them: ping URLs by origin only (the rest is usually their secret), header values masked. */
import { MASK } from "../secrets.ts";
import type { StatusThresholds } from "./check.ts";
import { formatAge } from "./duration.ts";
import type { ResolvedMonitoring } from "./observe.ts";
import { pingOrigin, type ResolvedPing } from "./pings.ts";

const _ping = (p: ResolvedPing) => ({
  type: p.type, url: `${pingOrigin(p.url)}/${MASK}`, events: p.events, timeout: p.timeoutMs / 1000,
  ...(Object.keys(p.headers).length ? { headers: Object.fromEntries(Object.keys(p.headers).map((k) => [k, MASK])) } : {}),
});
const _status = (s: StatusThresholds) => ({
  ...(s.warnAfterMs === null ? {} : { warnAfter: formatAge(s.warnAfterMs) }),
  ...(s.critAfterMs === null ? {} : { critAfter: formatAge(s.critAfterMs) }),
});

export function displayMonitoring(m: ResolvedMonitoring): Record<string, unknown> {
  const tasks = [...m.tasks].filter(([, t]) => t.pings.length || t.status.warnAfterMs !== null || t.status.critAfterMs !== null);
  return {
    statusDir: m.statusDir,
    ...(m.metricsTextfile ? { metrics: { textfile: m.metricsTextfile } } : {}),
    ...(m.pings.length ? { pings: m.pings.map(_ping) } : {}),
    ...(tasks.length ? { tasks: Object.fromEntries(tasks.map(([id, t]) => [id, { status: _status(t.status), ...(t.pings.length ? { pings: t.pings.map(_ping) } : {}) }])) } : {}),
  };
}
