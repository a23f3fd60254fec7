/** Watching processes through /proc, and FIFOs and output streams to synchronise with them (never a sleep). */
import { existsSync, readFileSync, readdirSync, readlinkSync } from "node:fs";

/** Fields of /proc/PID/stat after the command name: [state, ppid, pgrp, ...]; null once the process is gone. */
function _stat(pid: number | string): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

function _pids(): number[] {
  return readdirSync("/proc").filter((n) => /^\d+$/.test(n)).map(Number);
}

/** Whether `pid` runs: a zombie is dead, it only waits to be reaped. */
export function alive(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return false;
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return false;
  }
}

/** Whether a process id is gone (exited and reaped). */
export function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
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
  return _pids().filter((pid) => {
    const s = _stat(pid);
    return s !== null && Number(s[2]) === pgid && s[0] !== "Z";
  });
}

/** Children of `ppid` that exited and were never reaped (state Z). */
export function zombieChildren(ppid: number = process.pid): number[] {
  return _pids().filter((pid) => {
    const s = _stat(pid);
    return s !== null && s[0] === "Z" && Number(s[1]) === ppid;
  });
}

/** Live (non-zombie) processes whose environment has `NAME=VALUE` (`needle`): a run and everything it started. */
export function withEnv(name: string, value: string): number[] {
  const needle = `${name}=${value}\0`;
  return _pids().filter((pid) => {
    const s = _stat(pid);
    if (s === null || s[0] === "Z") return false;
    try {
      return readFileSync(`/proc/${pid}/environ`, "latin1").includes(needle);
    } catch {
      return false; // gone meanwhile, or not ours to read
    }
  });
}

/** This process's open file descriptors, by number and what they point at. */
export function openFds(): string[] {
  const fds: string[] = [];
  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      fds.push(`${fd} -> ${readlinkSync(`/proc/self/fd/${fd}`)}`);
    } catch {
      // the fd readdir itself used, closed by now
    }
  }
  return fds;
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
