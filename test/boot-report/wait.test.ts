import { describe, expect, test } from "bun:test";
import { chmodSync, writeFileSync } from "node:fs";
import { delay, waitForSystemd } from "../../src/boot-report/wait.ts";
import { InterruptedError } from "../../src/errors.ts";
import { log } from "../../src/log.ts";
import { tempDir } from "../_support/tmp.ts";

describe("waiting before the boot report", () => {
  test("systemctl missing: the state says so instead of failing", async () => {
    const state = await waitForSystemd({ log, signal: new AbortController().signal, systemctl: "/nonexistent/systemctl" });
    expect(state).toContain("not available");
  });

  test("a running system reports 'running'", async () => {
    using dir = tempDir("boot-report");
    const systemctl = `${dir.dir}/systemctl`;
    writeFileSync(systemctl, "#!/bin/sh\necho running\n");
    chmodSync(systemctl, 0o755);
    expect(await waitForSystemd({ log, signal: new AbortController().signal, systemctl })).toBe("running");
  });

  test("a boot that never finishes does not hold the report back past the limit", async () => {
    using dir = tempDir("boot-report");
    const systemctl = `${dir.dir}/systemctl`;
    writeFileSync(systemctl, "#!/bin/sh\nexec sleep 60\n");
    chmodSync(systemctl, 0o755);
    const state = await waitForSystemd({ log, signal: new AbortController().signal, systemctl, limitMs: 200 });
    expect(state).toStartWith("starting (gave up waiting");
  });

  test("an interrupt during the delay stops it with the signal's exit status", async () => {
    const controller = new AbortController();
    const waiting = delay(3600, controller.signal);
    controller.abort("SIGTERM");
    const err = await waiting.catch((e) => e);
    expect(err).toBeInstanceOf(InterruptedError);
    expect(err.exitCode).toBe(143);
  });
});
