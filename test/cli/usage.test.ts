import { describe, expect, test } from "bun:test";
import { consolaLevel } from "../../src/log.ts";
import { tempDir } from "../_support/tmp.ts";
import { palhm } from "../_support/cli.ts";

const ANSI = /\u001b\[/;

describe("usage errors exit 2 and show usage", () => {
  const cases: [string, string[], string][] = [
    ["-q with -v", ["-q", "-v", "config"], "-q and -v cannot be used together"],
    ["an unknown command", ["frobnicate"], 'unknown command "frobnicate"'],
    ["an unknown option", ["config", "--frob"], 'unknown option "--frob"'],
    ["no command", [], "no command given"],
    ["help for an unknown command", ["help", "frobnicate"], 'unknown command "frobnicate"'],
    ["a command missing its task", ["list"], "Missing required positional argument: TASK"],
    ["schedule without an action", ["schedule"], "Missing required positional argument: ACTION"],
  ];
  for (const [what, args, message] of cases) {
    test(what, async () => {
      const r = await palhm(args);
      expect(r.status).toBe(2);
      expect(r.stderr).toStartWith(`palhm: ${message}`);
      expect(r.stderr).toContain("USAGE");
      expect(r.stderr).not.toMatch(ANSI);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    });
  }
});

test("palhm status, a Nagios/Icinga check, answers a usage error with UNKNOWN (3), not CRITICAL", async () => {
  const r = await palhm(["status", "--frob"]);
  expect(r.status).toBe(3);
  expect(r.stderr).toStartWith('palhm: unknown option "--frob"');
});

describe("help", () => {
  test("help, --help and help COMMAND print usage on stdout, without colour when not a terminal", async () => {
    const all = await palhm(["help"]);
    expect(all.status).toBe(0);
    for (const cmd of ["run", "config", "migrate", "mods", "list", "restore"]) expect(all.stdout).toContain(cmd);
    expect(all.stdout).toContain("-f, --config FILE");
    expect(all.stdout).not.toMatch(ANSI);
    const dashed = await palhm(["--help"]);
    expect(dashed.stdout).toBe(all.stdout);
    const one = await palhm(["help", "migrate"]);
    expect(one.status).toBe(0);
    expect(one.stdout).toContain("palhm migrate");
    expect(one.stdout).toContain("FILE");
    expect(one.stdout).not.toMatch(ANSI);
  });

  test("options are shown as they are typed: --dry-run, never citty's camelCase key", async () => {
    const run = await palhm(["help", "run"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^\s+--dry-run\s+Print the plan/m);
    for (const cmd of ["run", "config", "list", "restore", "verify", "mods", "check", "boot-report"]) {
      const r = await palhm(["help", cmd]);
      expect(r.stdout).not.toMatch(/--[a-z]+[A-Z]/);
    }
  });

  test("--version prints the version", async () => {
    const r = await palhm(["--version"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe("mods", () => {
  test("lists the built-in backends, MUAs and builtins without a config", async () => {
    const r = await palhm(["mods", "--json"], { cwd: "/" });
    expect(r.status).toBe(0);
    const m = JSON.parse(r.stdout);
    expect(Object.keys(m.backends)).toEqual(["null", "localfs", "aws-s3", "rclone", "custom"]);
    expect(Object.keys(m.muas)).toEqual(["stdout", "mailx", "aws-sns"]);
    expect(Object.keys(m.builtins)).toEqual(["sigmask"]);
  });
});

describe("mods with a config", () => {
  test("adds the config's custom backends and MUAs", async () => {
    const p = tempDir("usage");
    try {
      const file = p.write({
        "palhm.config.ts": `export default {
  tasks: { t: { type: "backup", backend: { type: "custom", name: "my-store", impl: {
    capabilities: {}, location: (k) => "my-store:" + k, listDirs: async () => [], list: async function* () {},
    openSink: async () => { throw new Error("read-only"); }, put: async () => {}, read: async () => { throw new Error("empty"); }, remove: async () => {},
  } }, objects: [] } },
  bootReport: { mua: { type: "custom", impl: { type: "matrix", send: async () => {} } }, mailTo: ["@ops:example.org"] },
};`,
      });
      const r = await palhm(["-f", file, "mods"]);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/my-store\s+custom, used by task "t"/);
      expect(r.stdout).toMatch(/matrix\s+custom, the boot report's MUA/);
    } finally {
      p.remove();
    }
  });
});

describe("verbosity mapping to consola", () => {
  test("PALHM levels: 0-1 errors only, 2 warnings, 3 info, 4+ debug and more", () => {
    // consola: 0 fatal/error, 1 warn, 3 info, 4 debug, 5 trace
    expect([0, 1, 2, 3, 4, 5, 9].map(consolaLevel)).toEqual([0, 0, 1, 3, 4, 5, 5]);
  });
});
