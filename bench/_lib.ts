/** What every benchmark shares: timing a child process, medians, and a figure printed against its target. */
import { existsSync, mkdtempSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";

export const MiB = 1 << 20;

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface Timed {
  /** Wall-clock time, start to exit. */
  readonly ms: number;
  /** Peak resident set of the process (for `sh -c`, of its largest process). */
  readonly maxRss: number;
  /** User + system CPU time of the process and its waited-for children. */
  readonly cpuMs: number;
}

/** Runs argv to completion (stdout discarded); throws on a non-zero exit. */
export async function timed(argv: string[], options: { cwd?: string; env?: Record<string, string>; onSpawn?: (pid: number) => void } = {}): Promise<Timed> {
  const { onSpawn, ...spawnOptions } = options;
  const t0 = performance.now();
  const p = Bun.spawn(argv, { stdout: "ignore", stderr: "inherit", stdin: "ignore", ...spawnOptions });
  onSpawn?.(p.pid);
  const status = await p.exited;
  const ms = performance.now() - t0;
  if (status !== 0) throw new Error(`${argv.join(" ")} exited with ${status}`);
  const ru = p.resourceUsage();
  const cpu = ru ? Number(ru.cpuTime.user + ru.cpuTime.system) / 1000 : 0;
  return { ms, maxRss: Number(ru?.maxRSS ?? 0), cpuMs: cpu };
}

/** A fresh directory on tmpfs (/dev/shm when present), so no disk is measured. */
export function tmpfsDir(name: string): string {
  return mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), `palhm-bench-${name}-`));
}

/** One figure against its target: `name  value  (target <= t)  MET|MISSED  extra`. */
export function verdict(name: string, value: number, target: number, unit: string, extra = ""): boolean {
  const met = value <= target;
  const v = unit === "x" ? value.toFixed(2) + "x" : `${value.toFixed(unit === "ms" ? 1 : 0)} ${unit}`;
  const t = unit === "x" ? target.toFixed(2) + "x" : `${target} ${unit}`;
  console.log(`${name.padEnd(44)} ${v.padStart(10)}  (target <= ${t})  ${met ? "MET" : "MISSED"}${extra ? "  " + extra : ""}`);
  return met;
}

/** The machine's load, to print beside the figures: a busy machine makes every ratio worse. */
export function loadNote(): string {
  return `load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`;
}
