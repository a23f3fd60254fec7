import { describe, expect, test } from "bun:test";
import { composeBootReport, type BootFacts } from "../../src/boot-report/compose.ts";

const report = {
  subject: "Boot Report from {hostname}",
  header: "This is a boot report from {hostname}.\nMore details as follows.",
  mailTo: ["root", "ops@example.com"],
};

const facts: BootFacts = {
  hostname: "db1.example.com",
  tz: "Europe/Berlin",
  uptimeSince: "2022-05-01 06:59:17",
  uptime: "up 3 minutes",
  bootId: "6312e376-0d59-4b5a-80c1-2c6bc244fc4c",
};

describe("boot report composition", () => {
  test("substitutes {hostname} in the subject and keeps the recipients", () => {
    const m = composeBootReport(report, facts);
    expect(m.subject).toBe("Boot Report from db1.example.com");
    expect(m.to).toEqual(report.mailTo);
  });

  test("the header becomes leading # comment lines with {hostname} substituted", () => {
    const lines = composeBootReport(report, facts).body.split("\n");
    expect(lines.slice(0, 3)).toEqual([
      "# This is a boot report from db1.example.com.",
      "# More details as follows.",
      "boot-report:",
    ]);
  });

  test("the body parses back as YAML to every fact, timestamps and ids as strings", () => {
    const parsed = Bun.YAML.parse(composeBootReport(report, facts).body);
    expect(parsed).toEqual({
      "boot-report": {
        hostname: facts.hostname,
        tz: facts.tz,
        "uptime-since": facts.uptimeSince,
        uptime: facts.uptime,
        "boot-id": facts.bootId,
      },
    });
  });

  test("switched-off facts are left out; unreadable ones are null", () => {
    const { uptimeSince: _s, bootId: _b, ...rest } = facts;
    const parsed = Bun.YAML.parse(composeBootReport(report, { ...rest, uptime: null }).body) as any;
    expect(Object.keys(parsed["boot-report"])).toEqual(["hostname", "tz", "uptime"]);
    expect(parsed["boot-report"].uptime).toBeNull();
  });

  test("values YAML would misread stay strings: booleans, numbers, colons, quotes, comments, line breaks", () => {
    const nasty: BootFacts = {
      hostname: "yes",
      tz: "0123",
      uptimeSince: 'a: "b" # c',
      uptime: "line1\nline2\ttab \\ back",
      bootId: "~",
      systemState: "degraded\u2028x",
    };
    const m = composeBootReport({ ...report, header: "" }, nasty);
    expect(m.body.startsWith("boot-report:\n")).toBe(true);
    expect(Bun.YAML.parse(m.body)).toEqual({
      "boot-report": {
        hostname: nasty.hostname,
        tz: nasty.tz,
        "uptime-since": nasty.uptimeSince,
        uptime: nasty.uptime,
        "boot-id": nasty.bootId,
        "system-state": nasty.systemState,
      },
    });
  });

  test("a degraded system is stated in the body", () => {
    const parsed = Bun.YAML.parse(composeBootReport(report, { ...facts, systemState: "degraded" }).body) as any;
    expect(parsed["boot-report"]["system-state"]).toBe("degraded");
  });

  test("a header line that is empty stays a comment, and {hostname} may appear several times", () => {
    const m = composeBootReport({ ...report, header: "{hostname}\n\n{hostname} again" }, facts);
    expect(m.body.split("\n").slice(0, 3)).toEqual(["# db1.example.com", "#", "# db1.example.com again"]);
    expect(Object.keys(Bun.YAML.parse(m.body) as object)).toEqual(["boot-report"]);
  });
});
