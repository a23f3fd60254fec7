/**
 * `palhm schedule install|list|remove` through the real CLI, into a temp unit
 * directory (never the host's systemd): a sandboxed service and a timer per
 * task with a schedule, accepted by `systemd-analyze verify`, whose command
 * line really runs the task; crontab lines with --cron.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expectConfigError, palhm } from "../_support/cli.ts";
import { useTempDirs } from "../_support/tmp.ts";
import { type TempDir } from "../_support/tmp.ts";

const project = useTempDirs();
const hasAnalyze = Bun.which("systemd-analyze") !== null;

/** A config with a scheduled backup, a scheduled routine running it, and a task without a schedule. */
function scheduled(p: TempDir, schedule = "*-*-* 03:30"): string {
  return p.write({
    "palhm.config.ts": `import { defineConfig } from "palhm";
export default defineConfig({
  execs: { hello: { argv: ["echo", "hello"] } },
  tasks: {
    backup: {
      type: "backup",
      schedule: ${JSON.stringify(schedule)},
      backend: { type: "localfs", root: ${JSON.stringify(p.path("backups"))}, nbCopyLimit: 2 },
      objects: [{ path: "hello.txt", pipeline: ["hello"] }],
    },
    nightly: { type: "routine", schedule: "Mon..Fri 22:00", steps: ["hello", { task: "backup" }] },
    manual: { type: "routine", steps: ["hello"] },
  },
});
`,
  });
}

/** Locks, hooks and status records (monitoring) in the test's directory, not the host's. */
const env = (p: TempDir) => ({ PALHM_LOCK_DIR: p.path("locks"), PALHM_HOOKS: p.path("no-hooks.d"), PALHM_STATUS_DIR: p.path("status") });
const units = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);
const setting = (text: string, key: string) => [...text.matchAll(new RegExp(`^${key}=(.*)$`, "gm"))].map((m) => m[1]!);

/** A unit file's ExecStart as argv (systemd's quoting, as the generator writes it). */
function execStart(text: string): string[] {
  const line = setting(text, "ExecStart")[0]!;
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : m[2]!).replaceAll("%%", "%"));
}

describe("palhm schedule install (systemd timers)", () => {
  test("writes a sandboxed service and a timer per scheduled task, and the failure unit; systemd-analyze verify accepts them", async () => {
    const p = project();
    const config = scheduled(p);
    const dir = p.path("units");
    const r = await palhm(["-f", config, "schedule", "install", "--unit-dir", dir], { env: env(p) });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(units(dir)).toEqual(["palhm-backup.service", "palhm-backup.timer", "palhm-failure@.service", "palhm-nightly.service", "palhm-nightly.timer"]);
    expect(r.stdout).toContain("task backup: *-*-* 03:30");
    expect(r.stdout).toContain("systemctl daemon-reload && systemctl enable --now palhm-backup.timer palhm-nightly.timer");

    const timer = readFileSync(join(dir, "palhm-backup.timer"), "utf8");
    expect(setting(timer, "OnCalendar")).toEqual(["*-*-* 03:30"]);
    expect(setting(timer, "RandomizedDelaySec")).toEqual(["10min"]);
    expect(setting(timer, "Persistent")).toEqual(["true"]);
    expect(setting(timer, "WantedBy")).toEqual(["timers.target"]);

    const service = readFileSync(join(dir, "palhm-backup.service"), "utf8");
    expect(setting(service, "OnFailure")).toEqual(["palhm-failure@%n.service"]);
    expect(setting(service, "ProtectSystem")).toEqual(["strict"]);
    expect(setting(service, "ReadWritePaths")).toEqual([`-${p.path("backups")}`, `-${p.path("status")}`, "/run/lock"]);
    expect(setting(service, "NoNewPrivileges")).toEqual(["yes"]);
    // A routine's unit may write where the tasks it runs write.
    expect(setting(readFileSync(join(dir, "palhm-nightly.service"), "utf8"), "ReadWritePaths")).toEqual([`-${p.path("backups")}`, `-${p.path("status")}`, "/run/lock"]);

    if (hasAnalyze) {
      // The failure template is verified through an instance, as OnFailure= names it.
      writeFileSync(join(dir, "palhm-failure@palhm-backup.service.service"), readFileSync(join(dir, "palhm-failure@.service")));
      const verify = Bun.spawnSync(["systemd-analyze", "verify", "--man=no", ...units(dir).filter((u) => !u.endsWith("@.service")).map((u) => join(dir, u))]);
      expect(verify.stderr.toString()).toBe("");
      expect(verify.exitCode).toBe(0);
    }
  });

  test("a unit may also write the metrics textfile's directory (node_exporter's textfile collector)", async () => {
    const p = project();
    const config = scheduled(p);
    writeFileSync(config, readFileSync(config, "utf8").replace("export default defineConfig({", `export default defineConfig({\n  metrics: { textfile: ${JSON.stringify(p.path("node_exporter/palhm.prom"))} },`));
    const dir = p.path("units");
    const r = await palhm(["-f", config, "schedule", "install", "--unit-dir", dir], { env: env(p) });
    expect(r.stderr).toBe("");
    expect(setting(readFileSync(join(dir, "palhm-backup.service"), "utf8"), "ReadWritePaths")).toEqual([`-${p.path("backups")}`, `-${p.path("status")}`, `-${p.path("node_exporter")}`, "/run/lock"]);
  });

  test("the service's command line runs the task, quietly, with the config it was installed from", async () => {
    const p = project();
    const config = scheduled(p);
    const dir = p.path("units");
    expect((await palhm(["-f", config, "schedule", "install", "--unit-dir", dir], { env: env(p) })).status).toBe(0);
    const argv = execStart(readFileSync(join(dir, "palhm-backup.service"), "utf8"));
    expect(argv.slice(-5)).toEqual(["-q", "-f", config, "run", "backup"]);
    const run = Bun.spawnSync(argv, { cwd: "/", env: { ...process.env, ...env(p) } });
    expect(run.stderr.toString()).toBe("");
    expect(run.exitCode).toBe(0);
    const [copy] = readdirSync(p.path("backups"));
    expect(readFileSync(join(p.path("backups"), copy!, "hello.txt"), "utf8")).toBe("hello\n");
  });

  test("a scheduled run records its status where palhm status looks: $PALHM_STATUS_DIR at install time goes into the unit and the cron line", async () => {
    const p = project();
    const config = scheduled(p);
    const dir = p.path("units");
    const file = p.path("cron.d/palhm");
    expect((await palhm(["-f", config, "schedule", "install", "--unit-dir", dir], { env: env(p) })).status).toBe(0);
    expect((await palhm(["-f", config, "schedule", "install", "--cron", "--cron-file", file], { env: env(p) })).status).toBe(0);
    // systemd and cron do not pass the installing shell's environment on: the unit and the line must carry it.
    const elsewhere = { ...process.env, ...env(p), PALHM_STATUS_DIR: p.path("not-here") };

    const service = readFileSync(join(dir, "palhm-backup.service"), "utf8");
    const unitEnv = Object.fromEntries(setting(service, "Environment").map((a) => [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]));
    expect(unitEnv.PALHM_STATUS_DIR).toBe(p.path("status"));
    expect(Bun.spawnSync(execStart(service), { cwd: "/", env: { ...elsewhere, ...unitEnv } }).exitCode).toBe(0);
    const status = await palhm(["-f", config, "status", "backup"], { env: env(p) });
    expect(status.stdout).toStartWith("PALHM OK");
    expect(status.status).toBe(0);

    rmSync(p.path("status"), { recursive: true, force: true });
    const line = readFileSync(file, "utf8").split("\n").find((l) => /^[0-9]/.test(l))!;
    expect(Bun.spawnSync(["sh", "-c", line.split(/\s+/).slice(6).join(" ")], { env: elsewhere }).exitCode).toBe(0);
    expect((await palhm(["-f", config, "status", "backup"], { env: env(p) })).status).toBe(0);
    expect(existsSync(p.path("not-here"))).toBe(false);
  });

  test("list shows each scheduled task and whether its timer is installed; a task that lost its schedule loses its units at the next install", async () => {
    const p = project();
    const config = scheduled(p);
    const dir = p.path("units");
    const before = await palhm(["-f", config, "schedule", "list", "--unit-dir", dir], { env: env(p) });
    expect(before.status).toBe(0);
    expect(before.stdout).toMatch(/^backup {2}\*-\*-\* 03:30 \(next: .+\) {2}not installed$/m);
    await palhm(["-f", config, "schedule", "install", "--unit-dir", dir], { env: env(p) });
    const after = await palhm(["-f", config, "schedule", "list", "--unit-dir", dir], { env: env(p) });
    expect(after.stdout).toContain(`backup  *-*-* 03:30`);
    expect(after.stdout).toContain(`installed (${dir}/palhm-backup.timer)`);
    expect(after.stdout).toContain(`installed (${dir}/palhm-nightly.timer)`);
    expect(after.stdout).not.toContain("manual");

    writeFileSync(config, readFileSync(config, "utf8").replace(`schedule: "Mon..Fri 22:00", `, ""));
    const stale = await palhm(["-f", config, "schedule", "list", "--unit-dir", dir], { env: env(p) });
    expect(stale.stdout).toContain(`nightly  no schedule in the config  ${dir}/palhm-nightly.timer left over`);
    const again = await palhm(["-f", config, "schedule", "install", "--unit-dir", dir], { env: env(p) });
    expect(again.status).toBe(0);
    expect(units(dir)).toEqual(["palhm-backup.service", "palhm-backup.timer", "palhm-failure@.service"]);
  });

  test("idempotent; an edited failure unit and units palhm did not generate are never overwritten", async () => {
    const p = project();
    const config = scheduled(p);
    const dir = p.path("units");
    await palhm(["-f", config, "schedule", "install", "--unit-dir", dir], { env: env(p) });
    const first = Object.fromEntries(units(dir).map((u) => [u, readFileSync(join(dir, u), "utf8")]));
    writeFileSync(join(dir, "palhm-failure@.service"), first["palhm-failure@.service"]!.replace(" root'", " ops@example.org'"));
    const again = await palhm(["-f", config, "schedule", "install", "--unit-dir", dir], { env: env(p) });
    expect(again.status).toBe(0);
    expect(readFileSync(join(dir, "palhm-failure@.service"), "utf8")).toContain("ops@example.org");
    for (const u of units(dir).filter((u) => !u.startsWith("palhm-failure"))) expect(readFileSync(join(dir, u), "utf8")).toBe(first[u]!);

    // The user's own palhm-backup.service (e.g. the shipped example, edited): exit 2, nothing changed.
    writeFileSync(join(dir, "palhm-backup.service"), "[Service]\nExecStart=/bin/true\n");
    writeFileSync(config, readFileSync(config, "utf8").replace("*-*-* 03:30", "*-*-* 04:00"));
    const refused = await palhm(["-f", config, "schedule", "install", "--unit-dir", dir], { env: env(p) });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`${dir}/palhm-backup.service exists and was not generated by palhm`);
    expect(readFileSync(join(dir, "palhm-backup.service"), "utf8")).toBe("[Service]\nExecStart=/bin/true\n");
  });

  test.skipIf(!hasAnalyze)("a schedule systemd cannot read: exit 2 naming the task's schedule, nothing written; check says so too", async () => {
    const p = project();
    const config = scheduled(p, "Funday 25:00");
    const dir = p.path("units");
    const r = await palhm(["-f", config, "schedule", "install", "--unit-dir", dir], { env: env(p) });
    expectConfigError(r, expect);
    expect(r.stderr).toContain(`tasks.backup.schedule: "Funday 25:00" is not a valid systemd calendar expression`);
    expect(units(dir)).toEqual([]);
    const check = await palhm(["-f", config, "check"], { env: env(p) });
    expect(check.status).toBe(1);
    expect(check.stderr).toContain("tasks.backup.schedule: Failed to parse calendar specification 'Funday 25:00'");
  });

  test("a schedule that cannot be a calendar expression at all is a config error when the config loads", async () => {
    const p = project();
    const r = await palhm(["-f", scheduled(p, "daily; rm -rf /"), "config"], { env: env(p) });
    expectConfigError(r, expect);
    expect(r.stderr).toContain("tasks.backup.schedule");
    expect(r.stderr).toContain("is not a systemd calendar expression");
  });
});

describe("palhm schedule remove", () => {
  test("removes the generated units (of the named tasks, or all), never the failure unit or other files", async () => {
    const p = project();
    const config = scheduled(p);
    const dir = p.path("units");
    await palhm(["-f", config, "schedule", "install", "--unit-dir", dir], { env: env(p) });
    writeFileSync(join(dir, "palhm-mine.service"), "[Service]\nExecStart=/bin/true\n");
    const one = await palhm(["-f", config, "schedule", "remove", "nightly", "--unit-dir", dir], { env: env(p) });
    expect(one.status).toBe(0);
    expect(units(dir)).toEqual(["palhm-backup.service", "palhm-backup.timer", "palhm-failure@.service", "palhm-mine.service"]);
    const all = await palhm(["-f", config, "schedule", "remove", "--unit-dir", dir], { env: env(p) });
    expect(all.status).toBe(0);
    expect(units(dir)).toEqual(["palhm-failure@.service", "palhm-mine.service"]);
  });
});

describe("palhm schedule install --cron", () => {
  test("writes a cron.d file with one line per scheduled task, whose command runs the task", async () => {
    const p = project();
    const config = scheduled(p);
    const file = p.path("cron.d/palhm");
    const r = await palhm(["-f", config, "schedule", "install", "--cron", "--cron-file", file], { env: env(p) });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const text = readFileSync(file, "utf8");
    expect(text).toContain("MAILTO=root\n");
    const lines = text.split("\n").filter((l) => /^[0-9*]/.test(l));
    expect(lines.map((l) => l.split(/\s+/).slice(0, 6).join(" "))).toEqual(["30 3 * * * root", "0 22 * * mon-fri root"]);
    // The command part, as cron hands it to sh.
    const command = lines[0]!.split(/\s+/).slice(6).join(" ");
    expect(command).toEndWith(`-q -f ${config} run backup`);
    const run = Bun.spawnSync(["sh", "-c", command], { env: { ...process.env, ...env(p) } });
    expect(run.stderr.toString()).toBe("");
    expect(run.exitCode).toBe(0);
    expect(readdirSync(p.path("backups"))).toHaveLength(1);

    const list = await palhm(["-f", config, "schedule", "list", "--cron", "--cron-file", file], { env: env(p) });
    expect(list.stdout).toContain(`backup  *-*-* 03:30`);
    expect(list.stdout).toContain(`in ${file}`);
    const removed = await palhm(["-f", config, "schedule", "remove", "--cron", "--cron-file", file], { env: env(p) });
    expect(removed.status).toBe(0);
    expect(existsSync(file)).toBe(false);
  });

  test("a schedule cron cannot express: exit 2 naming it, nothing written", async () => {
    const p = project();
    const file = p.path("cron.d/palhm");
    const r = await palhm(["-f", scheduled(p, "*-*-* 03:30:15"), "schedule", "install", "--cron", "--cron-file", file], { env: env(p) });
    expectConfigError(r, expect);
    expect(r.stderr).toContain("tasks.backup.schedule");
    expect(r.stderr).toContain("whole minutes");
    expect(existsSync(file)).toBe(false);
  });
});
