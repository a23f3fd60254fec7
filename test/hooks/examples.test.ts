// The shipped examples under config/hooks, run for real against fake ntpdate/systemctl placed first in PATH.
import { afterEach, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, writeFileSync, chmodSync } from "node:fs";
import { join, resolve } from "node:path";
import { resolveHooks } from "../../src/config/resolve-hooks.ts";
import type { Hooks } from "../../src/config/types.ts";
import { HookError } from "../../src/errors.ts";
import { runOperation } from "../../src/hooks/operation.ts";
import { fixclockFailure, fixclockHooks } from "../../config/hooks/fixclock.ts";
import { serviceHooks } from "../../config/hooks/service.ts";
import { hooks, runner, sandbox, type Sandbox } from "./_fixture.ts";

const shippedFixclock = resolve(import.meta.dir, "../../config/hooks/hooks.d/fixclock");
let sb: Sandbox;
afterEach(() => sb?.cleanup());

const resolved = (h: Hooks, source: string) => resolveHooks([h as never], source);

/** A bin directory with fake programs, and the environment that puts it first in PATH. */
function fakeBin(programs: Record<string, string>, extraEnv: Record<string, string> = {}) {
  const bin = join(sb.root, "bin");
  mkdirSync(bin, { recursive: true });
  for (const [name, body] of Object.entries(programs)) {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  return { ...process.env, PATH: `${bin}:${process.env.PATH}`, JOURNAL: sb.journal, ...extraEnv };
}

/** ntpdate that records its arguments and fails when $NTP_FAIL is set. */
const NTPDATE = `echo "ntpdate $*" >> "$JOURNAL"
if [ -n "$NTP_FAIL" ]; then echo "no server suitable for synchronization found" >&2; exit 1; fi
echo "adjust time server 192.0.2.1 offset 0.001 sec"`;

const ok = async () => "copy";

describe("fixclock.ts", () => {
  for (const op of ["backup", "restore"] as const) {
    test(`syncs the clock with ntpdate -u pool.ntp.org before ${op}, and at no other state`, async () => {
      sb = sandbox();
      const env = fakeBin({ ntpdate: NTPDATE });
      await runOperation(runner(sb, { op, env, global: resolved(fixclockHooks, "global") }), {}, ok);
      expect(sb.lines()).toEqual(["ntpdate -u pool.ntp.org"]);
    });
  }

  test("uses $NTPSERVER when set", async () => {
    sb = sandbox();
    const env = fakeBin({ ntpdate: NTPDATE }, { NTPSERVER: "ntp.internal" });
    await runOperation(runner(sb, { env, global: resolved(fixclockHooks, "global") }), {}, ok);
    expect(sb.lines()).toEqual(["ntpdate -u ntp.internal"]);
  });

  test("on failure stops the operation with the framed explanation, the command and its output", async () => {
    sb = sandbox();
    const env = fakeBin({ ntpdate: NTPDATE }, { NTP_FAIL: "1" });
    let ran = false;
    const err = await runOperation(runner(sb, { env, global: resolved(fixclockHooks, "global") }), {}, async () => (ran = true)).catch((e) => e);
    expect(ran).toBe(false);
    expect(err).toBeInstanceOf(HookError);
    expect(err.message).toBe(
      `hook "fixclock" (global) failed at backup pre:\n` +
        fixclockFailure("ntpdate -u pool.ntp.org", "no server suitable for synchronization found\n"),
    );
    expect(err.message).toContain("## FIXCLOCK HOOK FAILED ##\n");
    expect(err.message).toContain("\n    ntpdate -u pool.ntp.org\n");
  });

  test("a missing ntpdate is reported the same way", async () => {
    sb = sandbox();
    const env = { ...fakeBin({}), PATH: join(sb.root, "bin") + ":/usr/bin:/bin" };
    const err = await runOperation(runner(sb, { env, global: resolved(fixclockHooks, "global") }), {}, ok).catch((e) => e);
    expect(err.message).toContain("FIXCLOCK HOOK FAILED");
    expect(err.message).toMatch(/ntpdate: (command )?not found/);
  });
});

describe("service.ts", () => {
  /** systemctl that records calls; units in $ACTIVE are active, those in $FAIL_START fail to start. */
  const SYSTEMCTL = `echo "systemctl $*" >> "$JOURNAL"
case "$1" in
is-active) case " $ACTIVE " in *" $3 "*) exit 0 ;; *) exit 3 ;; esac ;;
start) case " $FAIL_START " in *" $2 "*) echo "Unit $2 not found." >&2; exit 5 ;; esac ;;
esac
exit 0`;

  test("stops active units at pre and starts them in reverse order at finally", async () => {
    sb = sandbox();
    const env = fakeBin({ systemctl: SYSTEMCTL }, { ACTIVE: "mariadb nginx" });
    const task = resolved(serviceHooks(["mariadb", "nginx"]), "task db");
    await runOperation(runner(sb, { env, task }), {}, ok);
    expect(sb.lines()).toEqual([
      "systemctl is-active --quiet mariadb", "systemctl stop mariadb",
      "systemctl is-active --quiet nginx", "systemctl stop nginx",
      "systemctl start nginx", "systemctl start mariadb",
    ]);
  });

  test("restarts the service even when the backup failed", async () => {
    sb = sandbox();
    const env = fakeBin({ systemctl: SYSTEMCTL }, { ACTIVE: "mariadb" });
    const task = resolved(serviceHooks("mariadb"), "task db");
    const err = await runOperation(runner(sb, { env, task }), {}, async () => { throw new Error("mysqldump failed"); }).catch((e) => e);
    expect(err.message).toBe("mysqldump failed");
    expect(sb.lines()).toEqual(["systemctl is-active --quiet mariadb", "systemctl stop mariadb", "systemctl start mariadb"]);
  });

  test("leaves alone a unit that was not active, and starts nothing when an earlier pre hook failed", async () => {
    sb = sandbox();
    const env = fakeBin({ systemctl: SYSTEMCTL }, { ACTIVE: "mariadb" });
    const task = resolved(serviceHooks(["mariadb", "stopped-on-purpose"]), "task db");
    await runOperation(runner(sb, { op: "restore", env, task }), {}, ok);
    expect(sb.lines()).toEqual([
      "systemctl is-active --quiet mariadb", "systemctl stop mariadb",
      "systemctl is-active --quiet stopped-on-purpose",
      "systemctl start mariadb",
    ]);

    sb.cleanup();
    sb = sandbox();
    const global = hooks("global", { backup: { pre: [() => { throw new Error("no snapshot"); }] } });
    await runOperation(runner(sb, { env: fakeBin({ systemctl: SYSTEMCTL }, { ACTIVE: "mariadb" }), global, task }), {}, ok).catch(() => {});
    expect(sb.lines()).toEqual([]);
  });

  test("a unit that does not start again fails the run with a HookError naming it", async () => {
    sb = sandbox();
    const env = fakeBin({ systemctl: SYSTEMCTL }, { ACTIVE: "mariadb", FAIL_START: "mariadb" });
    const err = await runOperation(runner(sb, { env, task: resolved(serviceHooks("mariadb"), "task db") }), {}, ok).catch((e) => e);
    expect(err).toBeInstanceOf(HookError);
    expect(err.message).toBe('hook "start service mariadb" (task db) failed at backup finally: could not start again: mariadb (exit code 5: Unit mariadb not found.)');
  });
});

describe("TKLBAM hooks.d scripts work unchanged", () => {
  function install(path: string, name = "10-fixclock") {
    copyFileSync(path, join(sb.hooksDir, name));
    chmodSync(join(sb.hooksDir, name), 0o755);
  }

  for (const op of ["backup", "restore"] as const) {
    test(`shipped hooks.d/fixclock (sh) runs ntpdate at ${op} pre only`, async () => {
      sb = sandbox();
      install(shippedFixclock);
      await runOperation(runner(sb, { op, env: fakeBin({ ntpdate: NTPDATE }) }), {}, async (inspect) => inspect());
      expect(sb.lines()).toEqual(["ntpdate -u pool.ntp.org"]);
    });
  }

  test("shipped hooks.d/fixclock (sh) prints the framed explanation and fails the operation", async () => {
    sb = sandbox();
    const env = fakeBin({ ntpdate: NTPDATE }, { NTP_FAIL: "1", NTPSERVER: "ntp.example" });
    const direct = Bun.spawnSync([shippedFixclock, "backup", "pre"], { env });
    expect(direct.exitCode).toBe(1);
    expect(direct.stderr.toString()).toBe(fixclockFailure("ntpdate -u ntp.example", "no server suitable for synchronization found"));

    install(shippedFixclock);
    let ran = false;
    const err = await runOperation(runner(sb, { env }), {}, async () => (ran = true)).catch((e) => e);
    expect(ran).toBe(false);
    expect([err.hook, err.op, err.state, err.exitStatus]).toEqual([join(sb.hooksDir, "10-fixclock"), "backup", "pre", 1]);
  });

  const python3 = Bun.which("python3");
  test.skipIf(!python3)("TKLBAM's python fixclock example (ported to python3) works as a hooks.d executable", async () => {
    sb = sandbox();
    const script = join(sb.root, "fixclock.py");
    // TKLBAM's example, with executil replaced by subprocess and print() for python3.
    writeFileSync(script, `#!${python3}
import os
import subprocess
import sys
from string import Template

NTPSERVER = os.environ.get("NTPSERVER", "pool.ntp.org")
ERROR_TPL = """\\
##########################
## FIXCLOCK HOOK FAILED ##
##########################

Amazon S3 and Duplicity need a UTC synchronized clock so we invoked the
following command::

    $COMMAND

Unfortunately, something went wrong...

$ERROR
"""

def fixclock():
    command = "ntpdate -u " + NTPSERVER
    p = subprocess.run(command, shell=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        msg = Template(ERROR_TPL).substitute(COMMAND=command, ERROR=p.stdout)
        print(msg, file=sys.stderr, end="")
        sys.exit(1)

def main():
    op, state = sys.argv[1:]
    if op in ('restore', 'backup') and state == 'pre':
        fixclock()

if __name__ == "__main__":
    main()
`);
    install(script);
    await runOperation(runner(sb, { op: "restore", env: fakeBin({ ntpdate: NTPDATE }) }), {}, async (inspect) => inspect());
    expect(sb.lines()).toEqual(["ntpdate -u pool.ntp.org"]);

    const err = await runOperation(runner(sb, { env: fakeBin({ ntpdate: NTPDATE }, { NTP_FAIL: "1" }) }), {}, ok).catch((e) => e);
    expect(err).toBeInstanceOf(HookError);
    expect(err.exitStatus).toBe(1);
    expect(sb.lines()).toEqual(["ntpdate -u pool.ntp.org", "ntpdate -u pool.ntp.org"]);
  });
});
