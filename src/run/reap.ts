/**
 * Killing every process palhm started, however deep, when it must exit at
 * once (the third signal). Found through /proc's parent links, stopped
 * first so none can fork or be re-parented while the tree is walked, then
 * killed together. Synchronous: it runs right before `process.exit`.
 */
import { readFileSync, readdirSync } from "node:fs";

interface _Proc {
  readonly pid: number;
  readonly ppid: number;
  readonly pgrp: number;
}

function _table(): _Proc[] {
  const procs: _Proc[] = [];
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return procs;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // Fields after the command name (which may hold spaces and parentheses): state ppid pgrp ...
      const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (state === "Z" || state === "X") continue;
      procs.push({ pid: Number(name), ppid: Number(ppid), pgrp: Number(pgrp) });
    } catch {
      // gone meanwhile
    }
  }
  return procs;
}

/** Live processes descending from `root`, with those of the process groups they lead. */
export function descendantsOf(root: number): number[] {
  const table = _table();
  const found = new Set<number>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of table) {
      if (found.has(p.pid) || p.pid === root) continue;
      if (p.ppid === root || found.has(p.ppid) || (found.has(p.pgrp) && p.pgrp !== root)) {
        found.add(p.pid);
        grew = true;
      }
    }
  }
  return [...found];
}

function _signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** SIGKILLs every descendant of this process; returns how many there were. */
export function killDescendants(root: number = process.pid): number {
  const seen = new Set<number>();
  // Stop what is found until a walk finds nothing new: a stopped process neither forks nor exits.
  for (let round = 0; round < 10; round++) {
    const fresh = descendantsOf(root).filter((pid) => !seen.has(pid));
    if (fresh.length === 0) break;
    for (const pid of fresh) {
      seen.add(pid);
      _signal(pid, "SIGSTOP");
    }
  }
  for (const pid of seen) _signal(pid, "SIGKILL");
  return seen.size;
}
