import { describe, expect, test } from "bun:test";
import { runPipeline } from "../../src/exec/pipeline.ts";
import { runExec } from "../../src/exec/spawn.ts";
import { STDERR_TAIL_BYTES, Tail, formatStderrTail, showsStderrLive } from "../../src/exec/stderr.ts";
import { ex, sh, execFailure } from "../_support/context.ts";

const live = () => new AbortController().signal;


describe("a failing program's stderr travels on its ExecError", () => {
  test("the failure carries the last lines the failing program wrote to stderr", async () => {
    const e = await execFailure(
      runPipeline([sh("echo noise >&2; echo out"), sh("cat >/dev/null; echo 'tar: /srv: Cannot open: Permission denied' >&2; exit 2", { ec: "<2" })], {
        signal: live(), verbosity: 1, label: "test", onChunk: () => {},
      }),
    );
    expect(e.stderrTail).toBe("tar: /srv: Cannot open: Permission denied\n");
    // At -q (verbosity 1) nothing was shown live: the lines were held for this failure.
    expect(e.stderrShown).toBe(false);
  });

  test("shown live at a verbosity that shows stderr, and still carried", async () => {
    const e = await execFailure(runExec(sh("echo 'pg_dump: error: connection refused' >&2; exit 1"), { signal: live(), verbosity: 3 }));
    expect(e.stderrTail).toBe("pg_dump: error: connection refused\n");
    expect(e.stderrShown).toBe(true);
  });

  test("a program that wrote nothing to stderr carries an empty tail", async () => {
    const e = await execFailure(runExec(ex(["false"]), { signal: live(), verbosity: 1 }));
    expect(e.stderrTail).toBe("");
  });

  test("the held part is bounded: a program writing megabytes keeps only its last 64 KiB, cut at a line start", async () => {
    const e = await execFailure(runExec(sh("seq 1 400000 >&2; echo LAST >&2; exit 4"), { signal: live(), verbosity: 1 }));
    expect(Buffer.byteLength(e.stderrTail)).toBeLessThanOrEqual(STDERR_TAIL_BYTES);
    expect(Buffer.byteLength(e.stderrTail)).toBeGreaterThan(STDERR_TAIL_BYTES - 16);
    expect(e.stderrTail).toEndWith("399999\n400000\nLAST\n");
    expect(e.stderrTail.split("\n")[0]).toMatch(/^\d+$/);
  });
});

describe("Tail", () => {
  test("keeps the last bytes across chunks of any size", () => {
    const t = new Tail(10);
    t.push(new TextEncoder().encode("ab\ncd\n"));
    t.push(new TextEncoder().encode("ef\ngh\n"));
    expect(t.dropped).toBe(2);
    // "\ncd\nef\ngh\n" held; the partial first line is left out.
    expect(t.text()).toBe("cd\nef\ngh\n");
    t.push(new TextEncoder().encode("0123456789ABCDEF\nxy\n"));
    expect(t.text()).toBe("xy\n");
  });

  test("nothing dropped: everything is kept", () => {
    const t = new Tail(100);
    t.push(new TextEncoder().encode("one\ntwo"));
    expect(t.text()).toBe("one\ntwo");
  });
});

describe("when stderr is shown live", () => {
  test("at or above the exec's threshold, never at errors-only (-q)", () => {
    expect(showsStderrLive(3, 1)).toBe(true);
    expect(showsStderrLive(2, 1)).toBe(true);
    expect(showsStderrLive(1, 1)).toBe(false);
    expect(showsStderrLive(4, 5)).toBe(false);
  });

  test("the printed form names the program and indents its lines", () => {
    expect(formatStderrTail("tar", "a\nb\n")).toBe("stderr of tar (last lines):\n  a\n  b");
    expect(formatStderrTail("tar", "")).toBe("");
  });
});
