import { describe, expect, test } from "bun:test";
import { availableParallelism } from "node:os";
import { resolveConfig } from "../../src/config/resolve.ts";
import { ConfigError } from "../../src/errors.ts";
import type { ResolvedBackupTask, ResolvedRoutineTask } from "../../src/config/resolved.ts";
import { errorOf } from "../_support/tmp.ts";
import { memoryStore } from "../_support/memory-store.ts";

const execs = { tar: { argv: ["tar", "-cf", "-"], ec: "<2" }, zstd: { argv: ["zstd"] }, xz: { argv: ["xz"] } };
const resolve = (config: unknown, env: Record<string, string | undefined> = {}) =>
  resolveConfig([{ source: "/etc/palhm/palhm.config.ts", config }], { env });
const backup = (objects: unknown[], extra: Record<string, unknown> = {}) => ({
  execs,
  tasks: { backup: { type: "backup", backend: { type: "null" }, objects, ...extra } },
});
const task = (config: unknown, id = "backup") => resolve(config).tasks.get(id) as ResolvedBackupTask;

async function configError(config: unknown): Promise<string> {
  const e = await errorOf(() => resolve(config));
  expect(e).toBeInstanceOf(ConfigError);
  expect(e.exitCode).toBe(2);
  return e.message;
}

describe("exec references", () => {
  test("by id, appended and inline resolve to programs ready to spawn", () => {
    const t = task(backup([{ path: "a", pipeline: ["tar", { exec: "tar", argv: ["/etc"], env: { A: "1" } }, { argv: ["gpg", "-e"], ec: "0-2" }] }]));
    const [byId, appended, inline] = t.objects[0]!.pipeline;
    expect(byId!.argv).toEqual(["tar", "-cf", "-"]);
    expect(byId!.ec).toMatchObject({ min: 0, max: 1 });
    expect(appended!.argv).toEqual(["tar", "-cf", "-", "/etc"]);
    expect(appended!.env).toEqual({ A: "1" });
    expect(inline!.argv).toEqual(["gpg", "-e"]);
    expect(inline!.ec).toMatchObject({ min: 0, max: 2 });
    expect(inline!.vlStderr).toBe(1);
    expect(inline!.vlStdout).toBe(3);
  });

  test("an unknown exec names the path and the known ids", async () => {
    const objects = [0, 1, 2].map((i) => ({ path: `o${i}`, pipeline: i === 2 ? ["tar", "zstdd"] : ["tar"] }));
    expect(await configError(backup(objects))).toContain(
      'tasks.backup.objects[2].pipeline[1]: unknown exec "zstdd" (known: tar, zstd, xz)',
    );
  });

  test("an appended exec with an unknown id points at its exec key", async () => {
    expect(await configError(backup([{ path: "a", pipeline: [{ exec: "tarr", argv: ["x"] }] }]))).toContain(
      'tasks.backup.objects[0].pipeline[0].exec: unknown exec "tarr"',
    );
  });

  test("an empty argv and an empty pipeline are refused", async () => {
    expect(await configError({ execs: { e: { argv: [] } } })).toContain("execs.e.argv: argv is empty");
    expect(await configError(backup([{ path: "a", pipeline: [] }]))).toContain("tasks.backup.objects[0].pipeline: a pipeline needs at least one exec");
  });

  test("a bad or empty exit code range is an error at its path", async () => {
    expect(await configError({ execs: { e: { argv: ["x"], ec: "~1" } } })).toContain('execs.e.ec: invalid exit code range "~1"');
    expect(await configError({ execs: { e: { argv: ["x"], ec: "3-1" } } })).toContain('execs.e.ec: empty exit code range "3-1"');
    expect(await configError({ execs: { e: { argv: ["x"], ec: "<0" } } })).toContain("execs.e.ec: empty exit code range");
  });
});

describe("backup objects", () => {
  const bad = ["/etc/passwd", "../x", "a/../../x", "a//b", "a/", "", ".palhm-manifest.json", ".palhm-x/y"];
  for (const path of bad) {
    test(`path ${JSON.stringify(path)} is refused`, async () => {
      expect(await configError(backup([{ path, pipeline: ["tar"] }]))).toStartWith("/etc/palhm/palhm.config.ts: tasks.backup.objects[0].path: ");
    });
  }

  test("sub-directories and dot-files not reserved by palhm are fine", () => {
    expect(task(backup([{ path: "db/all.sql.zst", pipeline: ["tar"] }, { path: ".palhmrc", pipeline: ["tar"] }])).objects.map((o) => o.path)).toEqual([
      "db/all.sql.zst",
      ".palhmrc",
    ]);
  });

  test("two objects with the same path are an error", async () => {
    expect(await configError(backup([{ path: "a", pipeline: ["tar"] }, { path: "a", pipeline: ["zstd"] }]))).toContain(
      'tasks.backup.objects[1].path: path "a" is also used by objects[0]',
    );
  });

  test("allocSize is parsed as an integer of any size; a negative one is refused", async () => {
    expect(task(backup([{ path: "a", pipeline: ["tar"], allocSize: "18446744073709551617" }])).objects[0]!.allocSize).toBe(18446744073709551617n);
    expect(task(backup([{ path: "a", pipeline: ["tar"], allocSize: 268435456 }])).objects[0]!.allocSize).toBe(268435456n);
    expect(await configError(backup([{ path: "a", pipeline: ["tar"], allocSize: -5 }]))).toContain("tasks.backup.objects[0].allocSize:");
  });

  test("a restore pipeline is resolved like the backup pipeline", () => {
    const o = task(backup([{ path: "a", pipeline: ["tar"], restore: ["zstd", { argv: ["tar", "-x"] }] }])).objects[0]!;
    expect(o.restore!.map((e) => e.argv[0])).toEqual(["zstd", "tar"]);
  });
});

describe("object groups", () => {
  const grouped = (groups: unknown[], group?: string) =>
    backup([{ path: "a", pipeline: ["tar"], ...(group ? { group } : {}) }], { objectGroups: groups });

  test('"default" always exists and objects land in it', () => {
    const t = task(grouped([{ id: "sql", depends: ["default"] }]));
    expect(t.groups.map((g) => g.id).sort()).toEqual(["default", "sql"]);
    expect(t.objects[0]!.group).toBe("default");
  });

  test("duplicate, self-dependent and unknown groups are errors", async () => {
    expect(await configError(grouped([{ id: "a" }, { id: "a" }]))).toContain('tasks.backup.objectGroups[1].id: group "a" is defined twice');
    expect(await configError(grouped([{ id: "a", depends: ["a"] }]))).toContain('objectGroups[0].depends[0]: group "a" depends on itself');
    expect(await configError(grouped([{ id: "a", depends: ["b"] }]))).toContain('objectGroups[0].depends[0]: unknown group "b" (known: a, default)');
    expect(await configError(grouped([{ id: "a" }], "sql"))).toContain('tasks.backup.objects[0].group: unknown group "sql"');
  });

  test("a cycle is named", async () => {
    const msg = await configError(grouped([{ id: "a", depends: ["b"] }, { id: "b", depends: ["c"] }, { id: "c", depends: ["a"] }]));
    expect(msg).toContain("tasks.backup.objectGroups: group dependency cycle: a -> b -> c -> a");
  });
});

describe("backends", () => {
  const withBackend = (backend: unknown) => ({ tasks: { t: { type: "backup", backend, objects: [] } } });

  test("localfs modes default to 750/640 and limits parse as decimals", () => {
    expect(task(withBackend({ type: "localfs", root: "/b", nbCopyLimit: "Infinity", rootSizeLimit: "99999999999999999999" }), "t").backend).toEqual({
      type: "localfs",
      root: "/b",
      dmode: 0o750,
      fmode: 0o640,
      nbCopyLimit: null,
      rootSizeLimit: 99999999999999999999n,
    });
    expect(task(withBackend({ type: "localfs", root: "/b", dmode: "755", fmode: "0600" }), "t").backend).toMatchObject({ dmode: 0o755, fmode: 0o600 });
  });

  test("aws-s3: root trimmed of slashes, profile defaults to default", () => {
    expect(task(withBackend({ type: "aws-s3", bucket: "b", root: "/palhm/backup/" }), "t").backend).toMatchObject({
      root: "palhm/backup",
      profile: "default",
      nbCopyLimit: null,
    });
  });

  test("a missing root, a bad mode, an unknown parameter or type are errors at their path", async () => {
    expect(await configError(withBackend({ type: "localfs" }))).toContain("tasks.t.backend.root: is required");
    expect(await configError(withBackend({ type: "localfs", root: "/b", dmode: "rwx" }))).toContain('tasks.t.backend.dmode: "rwx" is not an octal mode');
    expect(await configError(withBackend({ type: "localfs", root: "/b", bucket: "x" }))).toContain('tasks.t.backend: unknown key "bucket"');
    expect(await configError(withBackend({ type: "ftp" }))).toContain("tasks.t.backend.type: expected");
    expect(await configError(withBackend({ type: "localfs", root: "/b", nbCopyLimit: "ten" }))).toContain("tasks.t.backend.nbCopyLimit:");
  });

  test("a custom backend keeps its implementation", () => {
    const impl = memoryStore();
    expect(task(withBackend({ type: "custom", name: "mine", impl, nbCopyLimit: 3 }), "t").backend).toMatchObject({ type: "custom", name: "mine", impl, nbCopyLimit: 3n });
  });

  test("a custom backend that is not a Store is a config error naming what it lacks", async () => {
    const message = await configError(withBackend({ type: "custom", impl: { type: "x", list() {} } }));
    expect(message).toContain("tasks.t.backend.impl");
    expect(message).toContain("capabilities");
    expect(message).toContain("location(), listDirs(), openSink(), put(), read(), remove() missing");
  });
});

describe("routines", () => {
  const routine = (steps: unknown[], more: Record<string, unknown> = {}) => ({
    execs,
    tasks: { r: { type: "routine", steps }, b: { type: "backup", backend: { type: "null" }, objects: [] }, ...more },
  });
  const steps = (config: unknown) => (resolve(config).tasks.get("r") as ResolvedRoutineTask).steps;

  test("steps: execs, tasks, sigmask with normalised signals, and named functions", () => {
    async function rotateLogs() {}
    const s = steps(routine([{ exec: "tar", argv: ["/var"] }, { task: "b" }, { builtin: "sigmask", param: [{ action: "block", sig: ["TERM", "SIGINT", 15, "2", "hup"] }] }, rotateLogs, async () => {}]));
    expect(s[0]).toMatchObject({ kind: "exec", exec: { argv: ["tar", "-cf", "-", "/var"] } });
    expect(s[1]).toEqual({ kind: "task", task: "b" });
    expect(s[2]).toEqual({ kind: "sigmask", param: [{ action: "block", sig: ["SIGTERM", "SIGINT", "SIGTERM", "SIGINT", "SIGHUP"] }] });
    expect(s[3]).toMatchObject({ kind: "fn", name: "rotateLogs" });
    expect(s[4]).toMatchObject({ kind: "fn", name: "steps[4]" });
  });

  test("an unknown task, an unknown signal and an unknown exec are errors at their step", async () => {
    expect(await configError(routine([{ task: "nope" }]))).toContain('tasks.r.steps[0].task: unknown task "nope" (known: r, b)');
    expect(await configError(routine([{ builtin: "sigmask", param: [{ action: "block", sig: ["TERMM"] }] }]))).toContain('tasks.r.steps[0].param[0].sig[0]: unknown signal "TERMM"');
    expect(await configError(routine(["tra"]))).toContain('tasks.r.steps[0]: unknown exec "tra"');
    expect(await configError(routine([{ builtin: "sigmask", param: [{ action: "ignore", sig: [] }] }]))).toContain("tasks.r.steps[0].param[0].action: expected");
  });

  test("a routine running itself, directly or through others, is a named cycle", async () => {
    expect(await configError(routine([{ task: "r" }]))).toContain("routine cycle: r -> r");
    expect(await configError(routine([{ task: "s" }], { s: { type: "routine", steps: [{ task: "r" }] } }))).toContain("routine cycle: r -> s -> r");
  });
});

describe("globals and defaults", () => {
  test("workers: 0 and negative mean the CPUs available; positive is kept", () => {
    expect(resolve({ workers: 0 }).workers).toBe(availableParallelism());
    expect(resolve({ workers: -3 }).workers).toBe(availableParallelism());
    expect(resolve({}).workers).toBe(availableParallelism());
    expect(resolve({ workers: 1 }).workers).toBe(1);
  });

  test("verbosity defaults to 3 and goes through the CLI mapping", () => {
    expect(resolve({}).verbosity).toBe(3);
    const r = resolveConfig([{ source: "x", config: { verbosity: 2 } }], { verbosity: (vl) => vl + 2 });
    expect(r.verbosity).toBe(4);
  });

  test("hooksDir: config, else $PALHM_HOOKS, else /etc/palhm/hooks.d", () => {
    expect(resolve({ hooksDir: "/opt/h" }, { PALHM_HOOKS: "/env/h" }).hooksDir).toBe("/opt/h");
    expect(resolve({}, { PALHM_HOOKS: "/env/h" }).hooksDir).toBe("/env/h");
    expect(resolve({}).hooksDir).toBe("/etc/palhm/hooks.d");
  });

  test("hooks: single functions and arrays become named lists; specs keep timeouts", () => {
    async function stopMysql() {}
    const r = resolve({
      hooks: { backup: { pre: stopMysql, finally: [{ name: "start mysql", run: async () => {}, timeout: 30 }, async () => {}] } },
      tasks: { t: { type: "backup", backend: { type: "null" }, objects: [], hooks: { restore: { post: stopMysql } } } },
    });
    expect(r.hooks.backup.pre).toMatchObject([{ name: "stopMysql", source: "global" }]);
    expect(r.hooks.backup.finally).toMatchObject([{ name: "start mysql", timeout: 30 }, { name: "backup.finally[1]" }]);
    expect(r.hooks.restore.pre).toEqual([]);
    expect((r.tasks.get("t") as ResolvedBackupTask).hooks.restore.post).toMatchObject([{ name: "stopMysql", source: "task t" }]);
  });

  test("boot report defaults and the mua shorthand", () => {
    const br = resolve({ bootReport: { mua: "mailx", mailTo: ["root"] } }).bootReport!;
    expect(br).toEqual({
      mua: { type: "mailx", path: "s-nail", intOpts: [] },
      mailTo: ["root"],
      subject: "Boot Report from {hostname}",
      header: "This is a boot report from {hostname}.\nMore details as follows.",
      uptimeSince: true,
      uptime: true,
      bootId: true,
      delay: 0,
    });
  });

  test("boot report: missing mua or recipients, negative or infinite delay are errors", async () => {
    expect(await configError({ bootReport: { mailTo: ["root"] } })).toContain("bootReport.mua: is required");
    expect(await configError({ bootReport: { mua: "stdout" } })).toContain("bootReport.mailTo:");
    expect(await configError({ bootReport: { mua: "stdout", mailTo: ["r"], delay: -1 } })).toContain("bootReport.delay: must be a finite number >= 0");
    expect(await configError({ bootReport: { mua: "stdout", mailTo: ["r"], delay: Infinity } })).toContain("bootReport.delay:");
    expect(await configError({ bootReport: { mua: "sendmail", mailTo: ["r"] } })).toContain("bootReport.mua: expected");
  });

  test("unknown keys anywhere are errors naming the path", async () => {
    expect(await configError({ worker: 2 })).toContain('/etc/palhm/palhm.config.ts: unknown key "worker"');
    expect(await configError({ execs: { e: { argv: ["x"], vlStdErr: 1 } } })).toContain('execs.e: unknown key "vlStdErr"');
    expect(await configError(backup([{ path: "a", pipeline: ["tar"], alloc: 1 }]))).toContain('tasks.backup.objects[0]: unknown key "alloc"');
  });
});
