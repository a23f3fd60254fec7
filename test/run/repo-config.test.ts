import { afterAll, describe, expect, test } from "bun:test";
import { cpSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { palhm as cli } from "../_support/cli.ts";
import { fileTempDir } from "../_support/tmp.ts";

const REPO = resolve(import.meta.dir, "../..");
const base = fileTempDir("repo-config");

/** The repository's palhm.config.ts and config/, copied to a temp project (so its ./backups is the test's). */
function copyProject(): string {
  const d = join(base, "repo");
  cpSync(join(REPO, "palhm.config.ts"), join(d, "palhm.config.ts"));
  cpSync(join(REPO, "config"), join(d, "config"), { recursive: true });
  return d;
}

const palhm = (cwd: string, ...args: string[]) => cli(args, { cwd, env: { PALHM_LOCK_DIR: join(base, "locks") } });

function unzstd(file: string): Buffer {
  return Bun.spawnSync(["zstd", "-dc", file]).stdout;
}

describe("the repository's palhm.config.ts", () => {
  test("`palhm run backup` backs up host metadata and config/ through zstd into ./backups", async () => {
    const d = copyProject();
    const r = await palhm(d, "run", "backup");
    if (r.status !== 0) console.error(r.stderr);
    expect(r.status).toBe(0);
    const copies = readdirSync(join(d, "backups"));
    expect(copies).toHaveLength(1);
    const copy = join(d, "backups", copies[0]!);
    expect(unzstd(join(copy, "meta/os-release.zst")).toString()).toBe(readFileSync("/etc/os-release", "utf8"));
    expect(unzstd(join(copy, "meta/packages.zst")).toString()).toContain("dpkg");
    const tarList = Bun.spawnSync(["sh", "-c", 'zstd -dc "$1" | tar -tf -', "sh", join(copy, "config.tar.zst")]).stdout.toString();
    expect(tarList.split("\n")).toContain("config/core.ts");
    const manifest = JSON.parse(readFileSync(join(copy, ".palhm-manifest.json"), "utf8"));
    expect(manifest.objects.map((o: { path: string }) => o.path).sort()).toEqual(["config.tar.zst", "meta/lsblk.json.zst", "meta/os-release.zst", "meta/packages.zst"]);
  });

  test("`palhm run --dry-run` shows the default routine with the backup expanded, and runs nothing", async () => {
    const d = join(base, "repo-dry");
    cpSync(join(REPO, "palhm.config.ts"), join(d, "palhm.config.ts"));
    cpSync(join(REPO, "config"), join(d, "config"), { recursive: true });
    const r = await palhm(d, "run", "--dry-run");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("cat /etc/os-release");
    expect(r.stdout).toContain("task backup");
    expect(r.stdout).toContain("dpkg-query -l | zstd -T0");
    expect(r.stdout).toContain("fn summary");
    expect(readdirSync(d).sort()).toEqual(["config", "palhm.config.ts"]);
  });

  test("the DNSSEC check example loads and plans dig | grep into the null backend", async () => {
    const r = await palhm(REPO, "-f", "config/dnssec-check.ts", "run", "--dry-run", "check-dnssec");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("dig +short +dnssec +notcp ANY example.com | grep .");
  });
});
