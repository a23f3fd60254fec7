/**
 * Terminal detection without Node's stdio streams, and the two forms of the
 * log it selects: plain `[level] message` lines when stderr goes to a pipe
 * (cron mail, the journal), consola's fancy form on a terminal.
 */
import { describe, expect, test } from "bun:test";
import { closeSync, openSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isTerminal } from "../../src/ui/tty.ts";
import { CLI, palhm } from "../_support/cli.ts";
import { fileTempDir } from "../_support/tmp.ts";

const dir = fileTempDir("tty");
const config = join(dir, "palhm.config.ts");
writeFileSync(config, `export default { tasks: { noop: { type: "routine", steps: [{ argv: ["true"] }] } } };\n`);

describe("isTerminal", () => {
  test("a regular file, /dev/null (a character device) and a pipe are not terminals", () => {
    for (const path of [config, "/dev/null"]) {
      const fd = openSync(path, "r");
      try {
        expect(isTerminal(fd)).toBe(false);
      } finally {
        closeSync(fd);
      }
    }
    const child = Bun.spawnSync(["bun", "-e", `import { isTerminal } from ${JSON.stringify(join(import.meta.dir, "../../src/ui/tty.ts"))}; console.log(isTerminal(0), isTerminal(1))`], { stdin: "pipe", stdout: "pipe" });
    expect(child.stdout.toString()).toBe("false false\n");
  });

  test("a pseudo-terminal is one (run under script(1))", () => {
    const code = `import { isTerminal } from ${JSON.stringify(join(import.meta.dir, "../../src/ui/tty.ts"))}; console.log("tty: " + isTerminal(1) + " " + isTerminal(2))`;
    const r = Bun.spawnSync(["script", "-qec", `bun -e '${code}'`, "/dev/null"], { stdin: "ignore", stdout: "pipe" });
    expect(r.stdout.toString()).toContain("tty: true true");
  });
});

describe("the log", () => {
  test("to a pipe: plain [level] lines, no colour or icon", async () => {
    const r = await palhm(["-vv", "-f", config, "run", "noop"]);
    expect(r.status).toBe(0);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toContain("[debug] task noop, steps[0]: true");
    expect(lines.at(-1)).toMatch(/^\[success\] task noop done in [\d.]+s$/);
    expect(r.stderr).not.toContain("\x1b");
  });

  test("on a terminal: consola's fancy form", () => {
    const r = Bun.spawnSync(["script", "-qec", `bun ${CLI} -f ${config} run noop`, "/dev/null"], { stdin: "ignore", stdout: "pipe" });
    const out = r.stdout.toString();
    expect(out).toContain("task noop done");
    expect(out).not.toContain("[success]");
    expect(out).toContain("✔");
  });
});
