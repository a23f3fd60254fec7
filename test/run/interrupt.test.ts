import { describe, expect, test } from "bun:test";
import { Interrupts, childBlockPrefix } from "../../src/run/interrupt.ts";
import { InterruptedError } from "../../src/errors.ts";
import { recordingLog } from "../_support/context.ts";

function interrupts() {
  const { log, lines } = recordingLog();
  const exits: number[] = [];
  const i = new Interrupts({ log, forceExit: (s) => exits.push(s) });
  return { i, lines, exits };
}

describe("interrupts", () => {
  test("SIGINT aborts the run with an InterruptedError worth exit 130, SIGTERM 143", () => {
    for (const [sig, status] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
      const { i } = interrupts();
      i.receive(sig);
      expect(i.signal.aborted).toBe(true);
      expect(i.signal.reason).toBeInstanceOf(InterruptedError);
      expect((i.signal.reason as InterruptedError).exitCode).toBe(status);
      i.dispose();
    }
  });

  test("a second signal says cleanup is still in progress; a third forces the exit", () => {
    const { i, lines, exits } = interrupts();
    i.receive("SIGTERM");
    i.receive("SIGINT");
    expect(lines.some((l) => l.text.includes("cleanup is still in progress"))).toBe(true);
    expect(exits).toEqual([]);
    i.receive("SIGINT");
    expect(exits).toEqual([143]);
    i.dispose();
  });

  test("a blocked signal is deferred, and delivered when unblocked", () => {
    const { i } = interrupts();
    i.block(["SIGTERM"]);
    i.receive("SIGTERM");
    expect(i.signal.aborted).toBe(false);
    i.unblock(["SIGTERM"]);
    expect(i.signal.aborted).toBe(true);
    expect((i.signal.reason as InterruptedError).signal).toBe("SIGTERM");
    i.dispose();
  });

  test("blocking one signal leaves the others interrupting", () => {
    const { i } = interrupts();
    i.block(["SIGTERM"]);
    i.receive("SIGINT");
    expect((i.signal.reason as InterruptedError).signal).toBe("SIGINT");
    i.dispose();
  });

  test("unblocking a signal that never came changes nothing; a pending one at the end is dropped with a warning", () => {
    const { i, lines } = interrupts();
    i.block(["SIGTERM", "SIGINT"]);
    i.unblock(["SIGINT"]);
    expect(i.signal.aborted).toBe(false);
    i.receive("SIGTERM");
    i.dispose();
    expect(i.signal.aborted).toBe(false);
    expect(lines.some((l) => l.type === "warn" && l.text.includes("SIGTERM") && l.text.includes("dropped"))).toBe(true);
  });

  test("SIGKILL cannot be blocked", () => {
    const { i, lines } = interrupts();
    i.block(["SIGKILL"]);
    expect(i.blocked).toEqual([]);
    expect(lines.some((l) => l.text.includes("cannot be blocked"))).toBe(true);
    i.dispose();
  });
});

describe("children started while signals are blocked", () => {
  test("have them blocked in their own signal mask", async () => {
    const argv = [...childBlockPrefix(["SIGTERM", "SIGINT"]), "grep", "^SigBlk", "/proc/self/status"];
    const out = await new Response(Bun.spawn(argv).stdout).text();
    const mask = BigInt("0x" + out.split(/\s+/)[1]);
    expect(mask & (1n << 14n)).toBe(1n << 14n); // SIGTERM = 15
    expect(mask & (1n << 1n)).toBe(1n << 1n); // SIGINT = 2
  });

  test("survive a SIGTERM sent to them", async () => {
    // A shell, which clears its blocked mask at start: the signal must be stopped all the same.
    const p = Bun.spawn([...childBlockPrefix(["SIGTERM"]), "sh", "-c", "echo ready; read x; echo survived"], { stdin: "pipe", stdout: "pipe" });
    const reader = p.stdout.getReader();
    const dec = new TextDecoder();
    let out = dec.decode((await reader.read()).value);
    expect(out).toBe("ready\n");
    p.kill("SIGTERM");
    p.stdin.write("go\n");
    p.stdin.end();
    for (let r = await reader.read(); !r.done; r = await reader.read()) out += dec.decode(r.value);
    expect(out).toBe("ready\nsurvived\n");
    expect(await p.exited).toBe(0);
  });
});
