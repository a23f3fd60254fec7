import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { tempDir } from "../_support/tmp.ts";
import { bootReportCli } from "./_cli.ts";
import { cleanEnv, startPalhm } from "../_support/cli.ts";


describe("palhm boot-report", () => {
  test("a config without a bootReport section is a config error (exit 2)", async () => {
    const r = await bootReportCli({ file: "palhm.config.ts", text: "export default { workers: 1 };\n" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("bootReport: no boot report configured");
    expect(r.stdout).toBe("");
  });

  test("a negative delay is a config error naming bootReport.delay, and nothing is sent", async () => {
    const r = await bootReportCli({ mua: "stdout", mailTo: ["root"], delay: -1 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("bootReport.delay");
    expect(r.stdout).toBe("");
  });

  test("a custom MUA defined inline in palhm.config.ts receives the composed report", async () => {
    using dir = tempDir("boot-report");
    const out = join(dir.dir, "sent.json");
    const text = `export default { bootReport: { mailTo: ["pager"], bootId: false, mua: { type: "custom", impl: {
      type: "pager",
      async send(message) { await Bun.write(${JSON.stringify(out)}, JSON.stringify(message)); },
    } } } };\n`;
    const r = await bootReportCli({ file: "palhm.config.ts", text });
    expect(r.status).toBe(0);
    const sent = JSON.parse(readFileSync(out, "utf8"));
    expect(sent.subject).toBe(`Boot Report from ${hostname()}`);
    expect(sent.to).toEqual(["pager"]);
    expect(Object.keys((Bun.YAML.parse(sent.body) as any)["boot-report"])).toEqual(["hostname", "tz", "uptime-since", "uptime"]);
  });

  test("a custom MUA that throws fails the command with exit 1 and its message, not as a bug", async () => {
    const text = `export default { bootReport: { mailTo: ["pager"], mua: { type: "custom", impl: {
      type: "pager", async send() { throw new Error("pager gateway unreachable"); },
    } } } };\n`;
    const r = await bootReportCli({ file: "palhm.config.ts", text });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("the pager MUA failed: pager gateway unreachable");
    expect(r.stderr).not.toContain("internal error");
  });

  test("a PALHM JSONC boot-report section works unchanged", async () => {
    const text = `{
      // PALHM's own format
      "boot-report": { "mua": "stdout", "mail-to": [ "root" ], "subject": "up: {hostname}", "uptime": false, "uptime-since": false, "bootid": false }
    }\n`;
    const r = await bootReportCli({ file: "palhm.jsonc", text });
    expect(r.status).toBe(0);
    expect(r.stdout.split("\n").slice(0, 3)).toEqual([`up: ${hostname()}`, "root", ""]);
  });

  test("-q prints nothing but the report itself", async () => {
    const r = await bootReportCli({ mua: "stdout", mailTo: ["root"] }, undefined, ["-q"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toStartWith(`Boot Report from ${hostname()}\nroot\n\n`);
  });
});

describe("palhm boot-report interrupted", () => {
  test("SIGTERM during the delay: exit 143 and no report sent", async () => {
    using dir = tempDir("boot-report");
    const config = join(dir.dir, "palhm.config.ts");
    await Bun.write(config, `export default ${JSON.stringify({ bootReport: { mua: "stdout", mailTo: ["root"], delay: 3600 } })};\n`);
    const proc = startPalhm(["-f", config, "boot-report"], { env: cleanEnv() });
    const stdout = new Response(proc.stdout).text();
    // The delay has begun once palhm says so.
    let seen = "";
    const decoder = new TextDecoder();
    for await (const chunk of proc.stderr) {
      seen += decoder.decode(chunk);
      if (seen.includes("waiting 3600 s before sending")) break;
    }
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(143);
    expect(await stdout).toBe("");
  });
});
