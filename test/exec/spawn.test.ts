import { describe, expect, test } from "bun:test";
import { join } from "node:path";

const fixture = join(import.meta.dir, "_fixtures", "run-exec.ts");

function run(verbosity: number, vlStdout: number, vlStderr: number, ec: string, ...argv: string[]) {
  const p = Bun.spawnSync([process.execPath, fixture, String(verbosity), String(vlStdout), String(vlStderr), ec, ...argv]);
  return { status: p.exitCode, out: p.stdout.toString(), err: p.stderr.toString() };
}

const talk = ["sh", "-c", 'echo "OUT $PALHM_FIXTURE"; echo ERR >&2'];

describe("runExec (routine steps)", () => {
  test("stdout and stderr pass through at or above their thresholds", () => {
    const r = run(3, 3, 1, "==0", ...talk);
    expect(r.status).toBe(0);
    expect(r.out).toBe("OUT set\n");
    expect(r.err).toBe("ERR\n");
  });

  test("below its threshold a stream goes to /dev/null", () => {
    expect(run(2, 3, 1, "==0", ...talk)).toEqual({ status: 0, out: "", err: "ERR\n" });
    expect(run(0, 3, 1, "==0", ...talk)).toEqual({ status: 0, out: "", err: "" });
    expect(run(4, 5, 5, "==0", ...talk)).toEqual({ status: 0, out: "", err: "" });
  });

  test("an exit code outside the accepted range fails with argv, code and range", () => {
    const r = run(0, 3, 1, ">=2", "sh", "-c", "exit 1");
    expect(r.status).toBe(1);
    expect(r.err).toBe("ERROR task maint, steps[0]: `sh -c 'exit 1'` exited with code 1 (accepted: >=2, i.e. 2..255)\n");
    expect(run(0, 3, 1, "1", "sh", "-c", "exit 1").status).toBe(0);
  });

  test("a process killed by a signal is a failure naming the signal", () => {
    const r = run(0, 3, 1, ">=0", "sh", "-c", "kill -KILL $$");
    expect(r.err).toBe("ERROR task maint, steps[0]: `sh -c 'kill -KILL $$'` was killed by SIGKILL\n");
  });
});
