import { join } from "node:path";
import type { ResolvedBootReport } from "../../../src/config/resolved.ts";

const DRIVER = join(import.meta.dir, "send-report.ts");

export const defaults = {
  subject: "Boot Report from {hostname}",
  header: "This is a boot report from {hostname}.\nMore details as follows.",
  uptimeSince: true,
  uptime: true,
  bootId: true,
  delay: 0,
} satisfies Partial<ResolvedBootReport>;

/** The environment without the caller's AWS settings, so a test sees only what it sets. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("AWS_")) env[k] = v;
  return { ...env, ...extra };
}

/** Sends `report` from a child process, as `palhm boot-report` would; resolves when it exits. */
export async function sendInChild(report: ResolvedBootReport, env: Record<string, string> = cleanEnv()) {
  const proc = Bun.spawn([process.execPath, DRIVER, JSON.stringify(report)], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env,
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}
