/** Running the real CLI on a temp project, and FIFOs to synchronise with its steps. */
import { mkdirSync, writeFileSync, existsSync, readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";

export const CLI = resolve(import.meta.dir, "../../../src/cli.ts");

export interface Project {
  readonly dir: string;
  readonly config: string;
  readonly locks: string;
}

/** A temp project whose palhm.config.ts default-exports `body` (a `defineConfig({...})` argument, as TS source). */
export function project(dir: string, body: string, name = "palhm.config.ts"): Project {
  mkdirSync(dir, { recursive: true });
  const config = join(dir, name);
  writeFileSync(config, `import { defineConfig } from "palhm";\nexport default defineConfig(${body});\n`);
  return { dir, config, locks: join(dir, "locks") };
}

export interface StartOptions {
  readonly detached?: boolean;
  /** Added to the environment. */
  readonly env?: Record<string, string>;
}

export function start(p: Project, args: string[], opts: StartOptions = {}): Subprocess<"ignore", "pipe", "pipe"> {
  return Bun.spawn(["bun", CLI, "-f", p.config, ...args], {
    cwd: p.dir,
    env: { ...process.env, PALHM_LOCK_DIR: p.locks, NO_COLOR: "1", ...opts.env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    detached: opts.detached ?? false,
  });
}

export async function run(p: Project, args: string[], opts: StartOptions = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = start(p, args, opts);
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

export function mkfifo(path: string): string {
  const r = Bun.spawnSync(["mkfifo", path]);
  if (r.exitCode !== 0) throw new Error(`mkfifo ${path} failed`);
  return path;
}

/** Reads a FIFO until its writer closes it (blocks until a step writes to it). */
export async function readFifo(path: string): Promise<string> {
  return new Response(Bun.spawn(["cat", path]).stdout).text();
}

/** Opens a FIFO for writing (blocks until a step reads it) and writes `text`. */
export async function writeFifo(path: string, text = "go\n"): Promise<void> {
  const p = Bun.spawn(["sh", "-c", 'cat > "$1"', "sh", path], { stdin: "pipe" });
  p.stdin.write(text);
  p.stdin.end();
  await p.exited;
}

/** Consumes a stream into a buffer, resolving `until(text)` once the text appears. */
export function watch(stream: ReadableStream<Uint8Array>) {
  let text = "";
  const waiters: { needle: string; resolve: () => void }[] = [];
  const done = (async () => {
    const dec = new TextDecoder();
    for await (const chunk of stream) {
      text += dec.decode(chunk, { stream: true });
      for (const w of [...waiters]) if (text.includes(w.needle)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
    }
    return text;
  })();
  return {
    get text() { return text; },
    done,
    until(needle: string): Promise<void> {
      if (text.includes(needle)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        waiters.push({ needle, resolve });
        void done.then(() => reject(new Error(`stream ended without "${needle}":\n${text}`)));
      });
    },
  };
}

export function alive(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return false;
  try {
    // A zombie is dead: it only waits to be reaped.
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return false;
  }
}

/** Processes whose parent is `pid`. */
export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Live (non-zombie) processes of process group `pgid`. */
export function inGroup(pgid: number): number[] {
  const found: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(pgrp) === pgid && state !== "Z") found.push(Number(name));
    } catch {}
  }
  return found;
}
