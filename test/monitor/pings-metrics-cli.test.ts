// Pings and the Prometheus textfile through the real CLI: what a loopback server receives on start,
// success and failure, and the textfile as a Prometheus text-format parser reads it.
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, rmSync } from "node:fs";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { project } from "./_project.ts";
import { closedPort, startPingServer } from "../_support/servers/ping-server.ts";

const server = startPingServer();
const S = JSON.stringify(server.url);
const refused = `http://127.0.0.1:${closedPort()}`;
const p = project(`{
  statusDir: STATUS_DIR,
  metrics: { textfile: TEXTFILE },
  pings: [
    { type: "healthchecks", url: ${S} + "/hc/0f3b" },
    { type: "uptime-kuma", url: ${S} + "/api/push/kumatoken" },
    { type: "ntfy", url: ${S} + "/ntfy/backups", events: ["success", "failure"], headers: { Authorization: "Bearer tk_secret" } },
    { type: "webhook", url: ${S} + "/hook" },
    { type: "webhook", url: ${S} + "/broken", events: ["success"] },
    { type: "webhook", url: ${S} + "/silent", events: ["success"], timeout: 1 },
    { type: "webhook", url: ${JSON.stringify(refused)} + "/refused", events: ["success"], timeout: 2 },
  ],
  tasks: {
    backup: {
      type: "backup",
      backend: { type: "localfs", root: ROOT, nbCopyLimit: 2 },
      objects: [{ path: "data", pipeline: [{ argv: ["sh", "-c", process.env.FAIL ? "echo 'pg_dump: connection refused' >&2; exit 3" : "seq 1000"] }] }],
    },
  },
}`);
afterAll(() => {
  server.stop();
  rmSync(p.dir, { recursive: true, force: true });
});

const sent = (path: string) => server.received.filter((r) => r.path.startsWith(path));
type Family = { name: string; help: string; type: string; metrics: { value: string; labels?: Record<string, string> }[] };
const metrics = (): Map<string, Family> => new Map((parsePrometheusTextFormat(readFileSync(p.textfile, "utf8")) as Family[]).map((f) => [f.name, f]));
const value = (m: Map<string, Family>, name: string, labels: Record<string, string> = { task: "backup" }) =>
  Number(m.get(name)?.metrics.find((s) => Object.entries(labels).every(([k, v]) => s.labels?.[k] === v))?.value);

describe("pings and metrics", () => {
  test("a successful run pings start and success; pings that fail or hang are warnings and the run succeeds", async () => {
    const r = await p.run(["run", "backup"]);
    expect(r.status).toBe(0);
    const hc = sent("/hc/0f3b");
    expect(hc.map((x) => `${x.method} ${x.path}`)).toEqual(["POST /hc/0f3b/start", "POST /hc/0f3b"]);
    expect(hc[0]!.query.rid).toBe(hc[1]!.query.rid);
    expect(hc[1]!.body).toContain("task backup on");
    expect(hc[1]!.body).toContain("succeeded");
    expect(sent("/api/push/kumatoken")).toMatchObject([{ method: "GET", query: { status: "up" } }]);
    expect(sent("/ntfy/backups")).toMatchObject([{ method: "POST", headers: { title: "palhm: backup succeeded", authorization: "Bearer tk_secret" } }]);
    const hooks = sent("/hook").map((x) => JSON.parse(x.body));
    expect(hooks.map((h) => [h.event, h.ok])).toEqual([["start", null], ["success", true]]);
    expect(hooks[1]).toMatchObject({ task: "backup", objects: 1, bytes: 3893 });
    expect(r.stderr).toContain("webhook ping (success) to " + server.url + " answered HTTP 500; the run itself is not affected");
    expect(r.stderr).toContain("no answer within 1s");
    expect(r.stderr).toContain(`to ${refused} failed`);
    expect(r.stderr).not.toContain("kumatoken");
  });

  test("palhm config shows the pings by origin, never their path, token or header values", async () => {
    const r = await p.run(["config"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`url: ${server.url}/***`);
    for (const secret of ["0f3b", "kumatoken", "tk_secret"]) expect(r.stdout).not.toContain(secret);
  });

  test("the textfile has HELP and TYPE for every metric and the run's values, as a Prometheus parser reads it", async () => {
    const m = metrics();
    for (const f of m.values()) {
      expect(f.name).toStartWith("palhm_");
      expect(f.help.length).toBeGreaterThan(10);
      expect(f.type).toBe("GAUGE");
    }
    const record = JSON.parse(readFileSync(`${p.statusDir}/backup.status.json`, "utf8"));
    expect(value(m, "palhm_last_run_success")).toBe(1);
    expect(value(m, "palhm_last_success_timestamp_seconds")).toBe(Date.parse(record.end) / 1000);
    expect(value(m, "palhm_last_run_start_timestamp_seconds")).toBe(Date.parse(record.start) / 1000);
    expect(value(m, "palhm_last_run_duration_seconds")).toBe(record.durationMs / 1000);
    expect(value(m, "palhm_last_run_bytes")).toBe(3893);
    expect(value(m, "palhm_last_run_objects")).toBe(1);
    expect(value(m, "palhm_copies_kept")).toBe(1);
    expect(value(m, "palhm_last_run_outcome", { task: "backup", outcome: "success" })).toBe(1);
    expect(value(m, "palhm_last_run_outcome", { task: "backup", outcome: "failure" })).toBe(0);
  });

  test("a failed run pings failure with the message and the failing program's stderr; the metrics keep the last success", async () => {
    const successAt = value(metrics(), "palhm_last_success_timestamp_seconds");
    server.received.length = 0;
    const r = await p.run(["-q", "run", "backup"], { FAIL: "1" });
    expect(r.status).toBe(1);
    const hc = sent("/hc/0f3b");
    expect(hc.map((x) => x.path)).toEqual(["/hc/0f3b/start", "/hc/0f3b/fail"]);
    expect(hc[1]!.body).toContain("FAILED");
    expect(hc[1]!.body).toContain("exited with code 3");
    expect(hc[1]!.body).toContain("pg_dump: connection refused");
    expect(sent("/api/push/kumatoken")).toMatchObject([{ query: { status: "down" } }]);
    expect(sent("/api/push/kumatoken")[0]!.query.msg).toContain("FAILED");
    expect(sent("/ntfy/backups")).toMatchObject([{ headers: { title: "palhm: backup failed", priority: "high" } }]);
    expect(sent("/ntfy/backups")[0]!.body).toContain("pg_dump: connection refused");
    const hook = JSON.parse(sent("/hook")[1]!.body);
    expect(hook).toMatchObject({ event: "failure", ok: false, task: "backup", error: { code: "EEXEC" } });
    expect(hook.error.stderrTail).toContain("pg_dump: connection refused");

    const m = metrics();
    expect(value(m, "palhm_last_run_success")).toBe(0);
    expect(value(m, "palhm_last_run_outcome", { task: "backup", outcome: "failure" })).toBe(1);
    expect(value(m, "palhm_last_success_timestamp_seconds")).toBe(successAt);
  });
});
