/**
 * `palhm install` of the compiled binary into a temp root (DESTDIR), as a
 * sysadmin or a package build runs it: the binary, the shipped config/, a
 * starter config with editor support, the units; idempotent, never
 * overwriting the user's files. Then the path from there to a scheduled
 * backup, with the installed binary alone.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { tempDir } from "../_support/tmp.ts";
import { compiledBinary } from "../_support/binary.ts";

const REPO = resolve(import.meta.dir, "../..");
const TSC = join(REPO, "node_modules/.bin/tsc");
const p = tempDir();
const root = p.path("root");
let built: string;
afterAll(() => p.remove());
beforeAll(async () => {
  built = await compiledBinary();
}, 120_000);

async function run(argv: string[], env: Record<string, string> = {}): Promise<{ status: number; out: string; err: string }> {
  const proc = Bun.spawn(argv, { cwd: p.dir, env: { PATH: "/usr/bin:/bin", HOME: p.dir, PALHM_LOCK_DIR: p.path("locks"), PALHM_STATUS_DIR: p.path("status"), ...env }, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [status, out, err] = await Promise.all([proc.exited, new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  return { status, out, err };
}

const mode = (f: string) => statSync(f).mode & 0o777;
const tree = (dir: string): string[] => readdirSync(dir, { recursive: true }).map(String).sort();

describe("palhm install into DESTDIR", () => {
  test("places the binary, the shipped config/, the starter config with editor support and the units", async () => {
    const r = await run([built, "install", "--prefix", "/usr/local"], { DESTDIR: root });
    expect(r.err).toBe("");
    expect(r.status).toBe(0);
    const bin = join(root, "usr/local/bin/palhm");
    expect(mode(bin)).toBe(0o755);
    expect(Bun.hash(readFileSync(bin))).toBe(Bun.hash(readFileSync(built)));

    const share = join(root, "usr/local/share/palhm/config");
    expect(tree(share)).toEqual(tree(join(REPO, "config")));
    expect(readFileSync(join(share, "core.ts"), "utf8")).toBe(readFileSync(join(REPO, "config/core.ts"), "utf8"));
    expect(mode(join(share, "hooks/hooks.d/fixclock"))).toBe(0o755);

    const etc = join(root, "etc/palhm");
    expect(readFileSync(join(etc, "palhm.config.ts"), "utf8")).toBe(readFileSync(join(REPO, "config/starter/palhm.config.ts"), "utf8"));
    expect(mode(join(etc, "palhm.config.ts"))).toBe(0o640);
    expect(existsSync(join(etc, "tsconfig.json"))).toBe(true);
    expect(statSync(join(etc, "hooks.d")).isDirectory()).toBe(true);

    const units = join(root, "etc/systemd/system");
    expect(readdirSync(units).sort()).toEqual(["palhm-boot-report.service", "palhm-failure@.service"]);
    expect(readFileSync(join(units, "palhm-boot-report.service"), "utf8")).toMatch(/^ExecStart=\/usr\/local\/bin\/palhm -q boot-report$/m);
  });

  test("the installed config type-checks in place and loads with the installed binary", async () => {
    const etc = join(root, "etc/palhm");
    const tsc = await run([TSC, "--noEmit", "-p", etc]);
    expect(tsc.out + tsc.err).toBe("");
    expect(tsc.status).toBe(0);
    const check = await run([join(root, "usr/local/bin/palhm"), "-f", join(etc, "palhm.config.ts"), "config"]);
    expect(check.status).toBe(0);
  });

  test("again: the same files, the user's config and edited units kept", async () => {
    const etc = join(root, "etc/palhm");
    writeFileSync(join(etc, "palhm.config.ts"), readFileSync(join(etc, "palhm.config.ts"), "utf8").replace("nbCopyLimit: 7", "nbCopyLimit: 30"));
    const failure = join(root, "etc/systemd/system/palhm-failure@.service");
    writeFileSync(failure, readFileSync(failure, "utf8").replace(" root'", " ops@example.org'"));
    const before = tree(root);
    const r = await run([built, "install", "--destdir", root]);
    expect(r.status).toBe(0);
    expect(r.err).toContain("/etc/palhm/palhm.config.ts exists: kept as it is");
    expect(tree(root)).toEqual(before);
    expect(readFileSync(join(etc, "palhm.config.ts"), "utf8")).toContain("nbCopyLimit: 30");
    expect(readFileSync(failure, "utf8")).toContain("ops@example.org");
  });

  test("a PALHM host: its /etc/palhm/palhm.conf stays the config that runs, no starter shadows it", async () => {
    const host = p.path("palhm-host");
    const conf = join(host, "etc/palhm/palhm.conf");
    const text = `{ "tasks": [ { "id": "default", "type": "routine", "routine": [ { "type": "exec-inline", "argv": [ "/bin/true" ] } ] } ] }\n`;
    await Bun.write(conf, text);
    const r = await run([built, "install", "--destdir", host]);
    expect(r.status).toBe(0);
    expect(r.err).toContain("/etc/palhm/palhm.conf exists: kept as it is");
    expect(existsSync(join(host, "etc/palhm/palhm.config.ts"))).toBe(false);
    expect(readFileSync(conf, "utf8")).toBe(text);
  });

  test("--prefix elsewhere: the units name that binary", async () => {
    const other = p.path("other-root");
    const r = await run([built, "install", "--prefix", "/opt/palhm", "--destdir", other]);
    expect(r.status).toBe(0);
    expect(existsSync(join(other, "opt/palhm/bin/palhm"))).toBe(true);
    expect(readFileSync(join(other, "etc/systemd/system/palhm-boot-report.service"), "utf8")).toMatch(/^ExecStart=\/opt\/palhm\/bin\/palhm -q boot-report$/m);
    expect(readFileSync(join(other, "opt/palhm/share/palhm/config/cron/palhm"), "utf8")).toContain("root  /opt/palhm/bin/palhm -q run backup");
  });

  test("a relative --prefix is a usage error; from source without --bin too", async () => {
    const rel = await run([built, "install", "--prefix", "usr/local", "--destdir", p.path("x")]);
    expect(rel.status).toBe(2);
    expect(rel.err).toContain("--prefix must be an absolute path");
    expect(existsSync(p.path("x"))).toBe(false);
    const source = await run([process.execPath, join(REPO, "src/cli.ts"), "install", "--destdir", p.path("y")]);
    expect(source.status).toBe(2);
    expect(source.err).toContain("bun run build");
    expect(existsSync(p.path("y"))).toBe(false);
  });

  test("from there to a scheduled backup with the installed binary: the timer's service runs the starter's backup", async () => {
    const bin = join(root, "usr/local/bin/palhm");
    const config = join(root, "etc/palhm/palhm.config.ts");
    // The starter backs up into /var/backups/palhm: point it at the temp root for the test.
    writeFileSync(config, readFileSync(config, "utf8").replace(`root: "/var/backups/palhm"`, `root: ${JSON.stringify(join(root, "var/backups/palhm"))}`));
    const units = join(root, "etc/systemd/system");
    const r = await run([bin, "-f", config, "schedule", "install", "--unit-dir", units]);
    expect(r.err).toBe("");
    expect(r.status).toBe(0);
    const service = readFileSync(join(units, "palhm-backup.service"), "utf8");
    const execStart = service.match(/^ExecStart=(.*)$/m)![1]!.split(" ");
    expect(execStart).toEqual([bin, "-q", "-f", config, "run", "backup"]);
    const backup = await run(execStart);
    expect(backup.err).toBe("");
    expect(backup.status).toBe(0);
    const [copy] = readdirSync(join(root, "var/backups/palhm"));
    const dir = join(root, "var/backups/palhm", copy!);
    expect(readdirSync(dir).filter((n) => !n.startsWith(".")).sort()).toEqual(["etc.tar.zst", "os-release", "packages.zst"]);
    const listing = Bun.spawnSync(["sh", "-c", 'zstd -dc "$1" | tar -tf -', "sh", join(dir, "etc.tar.zst")]).stdout.toString();
    expect(listing.split("\n")).toContain("etc/os-release");
  });
});
