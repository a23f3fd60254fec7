/**
 * Running the real CLI with files in /etc/palhm, where palhm looks for its
 * config without -f. The files are written into an overlay of /etc inside a
 * private mount namespace, so the host's /etc is never touched.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, type CliResult } from "./_cli.ts";

/** Why /etc cannot be overlaid here (no user namespaces, not root), or null when it can. */
export const etcOverlayUnavailable: string | null = (() => {
  const p = Bun.spawnSync(["unshare", "-m", "--propagation", "private", "true"], { stderr: "pipe" });
  return p.exitCode === 0 ? null : p.stderr.toString().trim() || "unshare failed";
})();

/**
 * Runs `palhm ARGS` in `cwd` with `files` (relative to /etc/palhm → content) in /etc/palhm,
 * or with no /etc/palhm at all (null). `scratch` is an empty directory for the overlay.
 */
export function withEtcPalhm(
  scratch: string,
  files: Record<string, string> | null,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): CliResult {
  for (const d of ["upper", "work", "files"]) mkdirSync(join(scratch, d), { recursive: true });
  const copies = Object.entries(files ?? {}).map(([rel, text], i) => {
    writeFileSync(join(scratch, "files", String(i)), text);
    return `mkdir -p "$(dirname /etc/palhm/${rel})" && cp ${join(scratch, "files", String(i))} /etc/palhm/${rel}`;
  });
  const write = files === null ? "rm -rf /etc/palhm" : ["rm -rf /etc/palhm", "mkdir -p /etc/palhm", ...copies].join(" && ");
  const script = `mount -t overlay overlay -o lowerdir=/etc,upperdir=${scratch}/upper,workdir=${scratch}/work /etc && ${write} && cd "$1" && shift && exec "$@"`;
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "PALHM_CONFIG")) as Record<string, string>;
  const r = Bun.spawnSync(["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", cwd, "bun", CLI, ...args], {
    env: { ...base, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  return { status: r.exitCode ?? -1, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}
