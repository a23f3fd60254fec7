/**
 * Pings on a run's start, success and failure: healthchecks.io (and
 * compatible), Uptime Kuma push monitors, ntfy topics, and a generic JSON
 * webhook. Every request has a time limit; a ping that fails is a warning,
 * never a failed run. Messages name a target by its origin only: the rest of
 * a ping URL is often its secret.
 */
import type { Logger } from "../log.ts";

export type PingEvent = "start" | "success" | "failure";
export type PingKind = "healthchecks" | "uptime-kuma" | "ntfy" | "webhook";
export const PING_KINDS: readonly PingKind[] = ["healthchecks", "uptime-kuma", "ntfy", "webhook"];

/** Which events a kind sends unless the config lists them. */
export const DEFAULT_EVENTS: Record<PingKind, readonly PingEvent[]> = {
  healthchecks: ["start", "success", "failure"],
  "uptime-kuma": ["success", "failure"],
  ntfy: ["failure"],
  webhook: ["start", "success", "failure"],
};
export const DEFAULT_PING_TIMEOUT_S = 10;

export interface ResolvedPing {
  readonly type: PingKind;
  readonly url: string;
  readonly events: readonly PingEvent[];
  readonly timeoutMs: number;
  readonly headers: Readonly<Record<string, string>>;
}

/** What a ping tells about a run. */
export interface PingRun {
  readonly event: PingEvent;
  readonly task: string;
  readonly host: string;
  /** Pairs the start and end pings of one run (healthchecks' `rid`). */
  readonly runId: string;
  readonly start: string;
  readonly end?: string;
  readonly durationMs?: number;
  readonly error?: { readonly code: string; readonly message: string; readonly stderrTail?: string };
  readonly prefix?: string;
  readonly bytes?: number;
  readonly objects?: number;
}

export interface PingRequest {
  readonly method: "GET" | "POST";
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** healthchecks.io accepts up to 100 kB; ntfy 4 kB as a message. Bodies are cut to what every service takes. */
const MAX_BODY = 10_000;

export function pingText(run: PingRun): string {
  switch (run.event) {
    case "start":
      return `palhm: task ${run.task} started on ${run.host}`;
    case "success": {
      const copy = run.prefix ? `, copy ${run.prefix}` : "";
      const size = run.objects !== undefined ? `, ${run.objects} object(s), ${run.bytes ?? 0} bytes` : "";
      return `palhm: task ${run.task} on ${run.host} succeeded in ${((run.durationMs ?? 0) / 1000).toFixed(1)}s${copy}${size}`;
    }
    case "failure": {
      const tail = run.error?.stderrTail ? `\n\nstderr (last lines):\n${run.error.stderrTail.trimEnd()}` : "";
      return `palhm: task ${run.task} on ${run.host} FAILED: ${run.error?.message ?? "unknown error"}${tail}`;
    }
  }
}

function _cut(s: string, max: number): string {
  if (s.length <= max) return s;
  // keep the end: the last lines of a failure say the most
  return "…" + s.slice(s.length - max + 1);
}

/** The HTTP request a ping makes for a run, or null when this ping does not send this event. */
export function pingRequest(ping: ResolvedPing, run: PingRun): PingRequest | null {
  if (!ping.events.includes(run.event)) return null;
  const text = _cut(pingText(run), MAX_BODY);
  const headers = { ...ping.headers };
  switch (ping.type) {
    case "healthchecks": {
      const suffix = run.event === "start" ? "/start" : run.event === "failure" ? "/fail" : "";
      const url = new URL(ping.url.replace(/\/+$/, "") + suffix);
      url.searchParams.set("rid", run.runId);
      return { method: "POST", url: url.href, headers: { "content-type": "text/plain; charset=utf-8", ...headers }, body: text };
    }
    case "uptime-kuma": {
      const url = new URL(ping.url);
      url.searchParams.set("status", run.event === "failure" ? "down" : "up");
      url.searchParams.set("msg", _cut(text.split("\n")[0]!, 250));
      if (run.durationMs !== undefined) url.searchParams.set("ping", String(Math.round(run.durationMs)));
      return { method: "GET", url: url.href, headers };
    }
    case "ntfy": {
      const title = run.event === "failure" ? `palhm: ${run.task} failed` : run.event === "success" ? `palhm: ${run.task} succeeded` : `palhm: ${run.task} started`;
      const priority = run.event === "failure" ? "high" : run.event === "success" ? "default" : "low";
      const tags = run.event === "failure" ? "warning" : run.event === "success" ? "white_check_mark" : "hourglass";
      return { method: "POST", url: ping.url, headers: { title, priority, tags, "content-type": "text/plain; charset=utf-8", ...headers }, body: _cut(text, 4000) };
    }
    case "webhook": {
      const ok = run.event === "start" ? null : run.event === "success";
      return { method: "POST", url: ping.url, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ ...run, ok, message: text }) };
    }
  }
}

/** The origin of a URL, for messages. */
export function pingOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "(a malformed URL)";
  }
}

/** Sends every ping due for `run` at once; waits for each (within its time limit) and warns about those that fail. Never throws. */
export async function sendPings(pings: readonly ResolvedPing[], run: PingRun, log: Logger, capMs?: number): Promise<void> {
  await Promise.all(
    pings.map(async (ping) => {
      const req = pingRequest(ping, run);
      if (!req) return;
      const timeoutMs = capMs === undefined ? ping.timeoutMs : Math.min(ping.timeoutMs, capMs);
      const what = `${ping.type} ping (${run.event}) to ${pingOrigin(ping.url)}`;
      try {
        const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal: AbortSignal.timeout(timeoutMs), redirect: "follow" });
        await res.arrayBuffer().catch(() => {});
        if (!res.ok) log.warn(`task ${run.task}: ${what} answered HTTP ${res.status}; the run itself is not affected`);
        else log.debug(`task ${run.task}: ${what} sent`);
      } catch (e) {
        const why = (e as Error)?.name === "TimeoutError" ? `no answer within ${timeoutMs / 1000}s` : (e as Error)?.message ?? String(e);
        log.warn(`task ${run.task}: ${what} failed: ${why}; the run itself is not affected`);
      }
    }),
  );
}
