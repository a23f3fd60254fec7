/**
 * Running the real CLI on a host as a PALHM user has it, without touching
 * this one: inside a private mount namespace, /etc gets an overlay holding
 * the files of /etc/palhm, /usr an overlay holding stand-ins for programs
 * this machine lacks, and chosen directories (/root, /var, /run/mysqld) are
 * replaced by test directories. Everything goes when the namespace ends.
 */
import { mkdirSync, realpathSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { CLI, type CliResult } from "./cli.ts";

/** Why mounts cannot be made here (no user namespaces, not root), or null when they can. */
export const privateHostUnavailable: string | null = (() => {
  const p = Bun.spawnSync(["unshare", "-m", "--propagation", "private", "true"], { stderr: "pipe" });
  return p.exitCode === 0 ? null : p.stderr.toString().trim() || "unshare failed";
})();

export interface PrivateHost {
  /** An empty directory for the overlays' own files. */
  readonly scratch: string;
  /** Files of /etc/palhm (relative path → content); null: no /etc/palhm at all; absent: /etc as it is. */
  readonly etcPalhm?: Record<string, string> | null;
  /** Stand-ins: absolute program path (`/bin/rpm`, `/sbin/reboot`) → a shell script's body. */
  readonly programs?: Record<string, string>;
  /** Mount point → the directory mounted there instead (a tmpfs first where the mount point is missing). */
  readonly binds?: Record<string, string>;
}

const _q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

function _setup(host: PrivateHost): string[] {
  const s = host.scratch;
  const steps: string[] = [];
  const files = join(s, "files");
  let n = 0;
  const stage = (text: string, mode = 0o644) => {
    mkdirSync(files, { recursive: true });
    const f = join(files, String(n++));
    writeFileSync(f, text, { mode });
    return f;
  };
  const overlay = (dir: string, name: string) => {
    for (const d of [`${name}-upper`, `${name}-work`]) mkdirSync(join(s, d), { recursive: true });
    steps.push(`mount -t overlay overlay -o lowerdir=${dir},upperdir=${join(s, `${name}-upper`)},workdir=${join(s, `${name}-work`)} ${dir}`);
  };
  if (host.etcPalhm !== undefined) {
    overlay("/etc", "etc");
    steps.push("rm -rf /etc/palhm");
    for (const [rel, text] of Object.entries(host.etcPalhm ?? {})) {
      const to = join("/etc/palhm", rel);
      steps.push(`mkdir -p ${_q(dirname(to))}`, `cp ${_q(stage(text))} ${_q(to)}`);
    }
  }
  if (host.programs && Object.keys(host.programs).length) {
    overlay("/usr", "usr");
    for (const [path, body] of Object.entries(host.programs)) {
      // /bin and /sbin are links into /usr on a merged-/usr system.
      const real = join(realpathSync(dirname(path)), basename(path));
      steps.push(`cp ${_q(stage(`#!/bin/sh\n${body}\n`, 0o755))} ${_q(real)}`);
    }
  }
  for (const [at, dir] of Object.entries(host.binds ?? {})) {
    steps.push(`{ [ -d ${_q(at)} ] || { mount -t tmpfs tmpfs ${_q(dirname(at))} && mkdir -p ${_q(at)}; }; }`, `mount --bind ${_q(dir)} ${_q(at)}`);
  }
  return steps;
}

/**
 * Runs `argv` in `cwd` on the private host; `env` is added to this process's environment (without $PALHM_CONFIG).
 * Asynchronous: a server the test runs in this process (s3rver, SMTP) keeps answering meanwhile.
 */
export async function runOnPrivateHost(host: PrivateHost, argv: string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
  const script = [..._setup(host), `cd "$1"`, "shift", `exec "$@"`].join(" && ");
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "PALHM_CONFIG")) as Record<string, string>;
  const proc = Bun.spawn(["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", cwd, ...argv], {
    env: { ...base, ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, status] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { status, stdout, stderr };
}

/** `palhm ARGS` on the private host. */
export function palhmOnPrivateHost(host: PrivateHost, args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
  return runOnPrivateHost(host, ["bun", CLI, ...args], cwd, env);
}

/** `palhm ARGS` in `cwd` with `files` in /etc/palhm (null: no /etc/palhm). `scratch` is an empty directory for the overlay. */
export function withEtcPalhm(scratch: string, files: Record<string, string> | null, args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
  return palhmOnPrivateHost({ scratch, etcPalhm: files }, args, cwd, env);
}
