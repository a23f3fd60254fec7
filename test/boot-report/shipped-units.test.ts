import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { tempDir } from "../_support/tmp.ts";
import { cleanEnv, palhm } from "../_support/cli.ts";

const SYSTEMD = join(import.meta.dir, "../../config/systemd");
const BIN = "/usr/local/bin/palhm";
const hasAnalyze = Bun.which("systemd-analyze") !== null;

function execStart(unit: string): string[] {
  const line = readFileSync(join(SYSTEMD, unit), "utf8").match(/^ExecStart=(.*)$/m)![1]!;
  return line.split(/\s+/);
}

describe("shipped systemd units", () => {
  test.skipIf(!hasAnalyze)("pass systemd-analyze verify", () => {
    using dir = tempDir("boot-report");
    const units = ["palhm-boot-report.service", "palhm-backup.service", "palhm-backup.timer", "palhm-failure@.service"];
    for (const u of units) {
      // The binary is not installed here: point ExecStart at one that is.
      writeFileSync(join(dir.dir, u), readFileSync(join(SYSTEMD, u), "utf8").replaceAll(BIN, "/bin/true"));
    }
    // A template is verified through an instance, as OnFailure= names it.
    const instance = "palhm-failure@palhm-backup.service.service";
    writeFileSync(join(dir.dir, instance), readFileSync(join(dir.dir, "palhm-failure@.service")));
    const files = [...units.filter((u) => !u.endsWith("@.service")), instance].map((u) => join(dir.dir, u));
    const verify = Bun.spawnSync(["systemd-analyze", "verify", "--man=no", ...files]);
    expect(verify.stderr.toString()).toBe("");
    expect(verify.exitCode).toBe(0);
  });

  test("the boot report unit's command line sends the report", async () => {
    const [bin, ...args] = execStart("palhm-boot-report.service");
    expect(bin).toBe(BIN);
    using dir = tempDir("boot-report");
    const config = join(dir.dir, "palhm.config.ts");
    writeFileSync(config, `export default ${JSON.stringify({ bootReport: { mua: "stdout", mailTo: ["root"] } })};\n`);
    const r = await palhm(["-f", config, ...args], { env: cleanEnv() });
    expect(r.status).toBe(0);
    expect(r.stdout).toStartWith(`Boot Report from ${hostname()}\nroot\n\n`);
  });

  test("the backup unit runs the backup task quietly", () => {
    expect(execStart("palhm-backup.service")).toEqual([BIN, "-q", "run", "backup"]);
  });

  test("the backup unit is sandboxed read-only but for the backup root and locks, and reports its failure", () => {
    const unit = readFileSync(join(SYSTEMD, "palhm-backup.service"), "utf8");
    const settings = (key: string) => [...unit.matchAll(new RegExp(`^${key}=(.*)$`, "gm"))].map((m) => m[1]);
    expect(settings("ProtectSystem")).toEqual(["strict"]);
    expect(settings("ReadWritePaths")).toEqual(["-/var/backups/palhm", "/run/lock"]);
    expect(settings("Environment")).toContain("PALHM_LOCK_DIR=/run/lock/palhm");
    const [failure] = settings("OnFailure");
    expect(failure).toBe("palhm-failure@%n.service");
    expect(readFileSync(join(SYSTEMD, "palhm-failure@.service"), "utf8")).toMatch(/^ExecStart=.*journalctl --unit=%i.*\| s-nail -s/m);
  });
});
