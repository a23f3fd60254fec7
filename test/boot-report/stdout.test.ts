import { describe, expect, test } from "bun:test";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { timeZone } from "../../src/boot-report/facts.ts";
import { tempDir } from "../_support/tmp.ts";
import { bootReportCli } from "./_cli.ts";
import { cleanEnv } from "../_support/cli.ts";

const bootId = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();

describe("stdout MUA", () => {
  test("prints the subject, the recipients one per line, a blank line, then the body", async () => {
    const r = await bootReportCli({
      
      uptimeSince: false,
      uptime: false,
      mua: { type: "stdout" },
      mailTo: ["root", "ops@example.com"],
    });
    expect(r.status).toBe(0);
    const h = hostname();
    expect(r.stdout).toBe(
      `Boot Report from ${h}\n` +
        "root\n" +
        "ops@example.com\n" +
        "\n" +
        `# This is a boot report from ${h}.\n` +
        "# More details as follows.\n" +
        "boot-report:\n" +
        `  hostname: ${JSON.stringify(h)}\n` +
        `  tz: ${JSON.stringify(await timeZone())}\n` +
        `  boot-id: ${JSON.stringify(bootId)}\n`,
    );
  });

  test("with every fact on, uptime-since and uptime come from uptime(1)", async () => {
    const r = await bootReportCli({ mua: { type: "stdout" }, mailTo: ["root"] });
    expect(r.status).toBe(0);
    const doc = (Bun.YAML.parse(r.stdout.slice(r.stdout.indexOf("\n\n") + 2)) as any)["boot-report"];
    const since = Bun.spawnSync(["uptime", "--since"]).stdout.toString().trim();
    expect(doc["uptime-since"]).toBe(since);
    expect(doc.uptime).toStartWith("up ");
    expect(doc["boot-id"]).toBe(bootId);
  });

  test("the timezone follows $TZ", async () => {
    const r = await bootReportCli(
      { uptimeSince: false, uptime: false, bootId: false, mua: { type: "stdout" }, mailTo: ["root"] },
      cleanEnv({ TZ: "Asia/Tokyo" }),
    );
    expect(r.stdout).toContain('  tz: "Asia/Tokyo"\n');
  });

  test("bootWait systemd: a degraded system is stated in the report, which is still sent", async () => {
    using bin = tempDir("boot-report");
    writeFileSync(`${bin.dir}/systemctl`, "#!/bin/sh\n[ \"$*\" = 'is-system-running --wait' ] || exit 99\necho degraded\nexit 1\n");
    chmodSync(`${bin.dir}/systemctl`, 0o755);
    const r = await bootReportCli(
      { bootWait: "systemd", mua: { type: "stdout" }, mailTo: ["root"] },
      cleanEnv({ PATH: `${bin.dir}:${process.env.PATH}` }),
    );
    expect(r.status).toBe(0);
    expect((Bun.YAML.parse(r.stdout.slice(r.stdout.indexOf("\n\n") + 2)) as any)["boot-report"]["system-state"]).toBe(
      "degraded",
    );
    expect(r.stderr).toContain('system state is "degraded"');
  });
});
