/**
 * Waiting before the report goes out: for systemd to finish booting, then a
 * fixed delay. Neither may keep the report from being sent: a degraded or
 * still-starting system is stated in the report instead.
 */
import { InterruptedError } from "../errors.ts";
import type { Logger } from "../log.ts";

/** How long `systemctl is-system-running --wait` may take before the report goes out anyway. */
export const SYSTEMD_WAIT_LIMIT_MS = 15 * 60_000;

export interface WaitOptions {
  readonly log: Logger;
  readonly signal: AbortSignal;
  /** @default "systemctl" */
  readonly systemctl?: string;
  /** @default SYSTEMD_WAIT_LIMIT_MS */
  readonly limitMs?: number;
}

/**
 * Runs `systemctl is-system-running --wait` and returns the state it prints
 * ("running", "degraded", "maintenance", ...). A missing systemctl is a state
 * too: the report says so rather than failing.
 */
export async function waitForSystemd(options: WaitOptions): Promise<string> {
  const { log, signal } = options;
  const argv = [options.systemctl ?? "systemctl", "is-system-running", "--wait"];
  log.debug(`boot report: waiting for \`${argv.join(" ")}\``);
  let proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  try {
    proc = Bun.spawn(argv, { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  } catch (e) {
    log.warn(`boot report: cannot run ${argv[0]}: ${(e as Error).message}; sending without waiting`);
    return `unknown (${argv[0]} not available)`;
  }
  const limit = AbortSignal.timeout(options.limitMs ?? SYSTEMD_WAIT_LIMIT_MS);
  const stop = () => proc.kill("SIGTERM");
  limit.addEventListener("abort", stop, { once: true });
  signal.addEventListener("abort", stop, { once: true });
  try {
    const [out, err, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    if (signal.aborted) throw interruption(signal);
    if (limit.aborted) {
      const seconds = (options.limitMs ?? SYSTEMD_WAIT_LIMIT_MS) / 1000;
      log.warn(`boot report: system still booting after ${seconds} s; sending anyway`);
      return `starting (gave up waiting after ${seconds} s)`;
    }
    const state = out.trim() || err.trim() || `unknown (exit status ${code})`;
    if (code !== 0) log.warn(`boot report: system state is "${state}"`);
    return state;
  } finally {
    limit.removeEventListener("abort", stop);
    signal.removeEventListener("abort", stop);
  }
}

/** Waits `seconds` (finite, >= 0), or until the run is interrupted. */
export async function delay(seconds: number, signal: AbortSignal): Promise<void> {
  if (!(seconds > 0)) return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(done, seconds * 1000);
    function done() {
      signal.removeEventListener("abort", abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(interruption(signal));
    }
    if (signal.aborted) return abort();
    signal.addEventListener("abort", abort, { once: true });
  });
}

/** The error an aborted run ends with: the InterruptedError the run's signal carries (see run/interrupt.ts), else a SIGTERM one. */
export function interruption(signal: AbortSignal): InterruptedError {
  const r = signal.reason;
  if (r instanceof InterruptedError) return r;
  return new InterruptedError(r === "SIGINT" || r === "SIGHUP" ? r : "SIGTERM");
}
