/** Runs the real CLI, `palhm -f FILE boot-report`, on a config written to a temp dir. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BootReport } from "../../../src/config/types.ts";
import { tempDir } from "./peers.ts";

const CLI = join(import.meta.dir, "../../../src/cli.ts");

/** The environment without the caller's AWS and palhm settings, so a test sees only what it sets. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith("AWS_") && !k.startsWith("PALHM_")) env[k] = v;
  }
  return { ...env, ...extra };
}

/** `bootReport` as a plain palhm.config.ts; or the config file's whole text, named `file`. */
export type ConfigText = BootReport | { readonly file: string; readonly text: string };

export async function bootReportCli(config: ConfigText, env: Record<string, string> = cleanEnv(), args: string[] = []) {
  using dir = tempDir();
  const { file, text } =
    "text" in config ? config : { file: "palhm.config.ts", text: `export default ${JSON.stringify({ bootReport: config })};\n` };
  const path = join(dir.path, file);
  writeFileSync(path, text);
  const proc = Bun.spawn([process.execPath, CLI, ...args, "-f", path, "boot-report"], {
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
