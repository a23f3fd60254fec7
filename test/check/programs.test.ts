import { describe, expect, test, beforeAll, afterAll } from "bun:test";
import { mkdtempSync, writeFileSync, chmodSync, rmSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkPrograms, resolveProgram } from "../../src/check/programs.ts";
import type { ResolvedConfig, ResolvedExec, ResolvedHooks } from "../../src/config/resolved.ts";
import { EC_DEFAULT } from "../../src/exec/ec.ts";

const exec = (argv: string[], env: Record<string, string> = {}): ResolvedExec => ({
  argv, env, ec: EC_DEFAULT, vlStderr: 1, vlStdout: 3,
});
const none = { pre: [], inspect: [], post: [], error: [], finally: [] };
const hooks: ResolvedHooks = { backup: none, restore: none };

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "palhm-check-"));
  mkdirSync(join(dir, "bin"));
  writeFileSync(join(dir, "bin", "tool"), "#!/bin/sh\nexit 0\n");
  chmodSync(join(dir, "bin", "tool"), 0o755);
  writeFileSync(join(dir, "bin", "noexec"), "#!/bin/sh\n");
  chmodSync(join(dir, "bin", "noexec"), 0o644);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("palhm check: programs", () => {
  test("a program is found in the PATH it will run with, as spawning would", () => {
    expect(resolveProgram("tool", `/nonexistent:${dir}/bin`)).toEqual({ file: `${dir}/bin/tool` });
    expect(resolveProgram("tool", "/nonexistent")).toEqual({ problem: "not found in PATH" });
    expect(resolveProgram(`${dir}/bin/noexec`, "")).toEqual({ problem: "is not executable" });
    expect(resolveProgram(`${dir}/bin`, "")).toEqual({ problem: "is not a regular file" });
  });

  test("names each missing program with where the config uses it", () => {
    const config: ResolvedConfig = {
      sources: ["x"], workers: 1, verbosity: 3, hooks, hooksDir: "/nonexistent",
      execs: new Map([["ok", exec(["tool"])], ["gone", exec(["no-such-program-palhm"])]]),
      tasks: new Map([
        ["backup", {
          type: "backup", id: "backup", backend: { type: "null" }, hooks,
          groups: [{ id: "default", depends: [] }],
          objects: [{ path: "a", group: "default", pipeline: [exec(["tool"]), exec(["tool"], { PATH: "/nonexistent" })] }],
        }],
        ["r", { type: "routine", id: "r", steps: [{ kind: "exec", exec: exec([`${dir}/bin/noexec`]) }] }],
        ["offsite", {
          type: "backup", id: "offsite", hooks, groups: [{ id: "default", depends: [] }], objects: [],
          backend: { type: "rclone", remote: "offsite:backups", flags: [], nbCopyLimit: null, rootSizeLimit: null },
        }],
      ]),
      bootReport: {
        mua: { type: "mailx", path: "/nonexistent/mailx", intOpts: [] }, mailTo: ["root"], subject: "", header: "",
        uptime: true, uptimeSince: true, bootId: true, delay: 0,
      },
    };
    const problems = checkPrograms(config, `${dir}/bin`).map((p) => `${p.where} ${p.program} ${p.problem}${p.used ? "" : " (unused)"}`);
    expect(problems).toEqual([
      "execs.gone no-such-program-palhm not found in PATH (unused)",
      "tasks.backup.objects[0].pipeline[1] tool not found in PATH",
      `tasks.r.steps[0] ${dir}/bin/noexec is not executable`,
      "tasks.offsite.backend rclone not found in PATH",
      "bootReport.mua /nonexistent/mailx does not exist",
    ]);
  });
});
