/**
 * Where status records live: the config's `statusDir`, else `$PALHM_STATUS_DIR`,
 * else /var/lib/palhm when it exists or palhm runs as root, else
 * `$XDG_STATE_HOME/palhm` (`~/.local/state/palhm`).
 */
import { statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export const SYSTEM_STATUS_DIR = "/var/lib/palhm";

export function statusDir(configured: string | undefined, env: Record<string, string | undefined> = process.env): string {
  if (configured) return configured;
  if (env.PALHM_STATUS_DIR) return env.PALHM_STATUS_DIR;
  let exists = false;
  try {
    exists = statSync(SYSTEM_STATUS_DIR).isDirectory();
  } catch {}
  if (exists || process.getuid?.() === 0) return SYSTEM_STATUS_DIR;
  return join(env.XDG_STATE_HOME || join(homedir(), ".local/state"), "palhm");
}
