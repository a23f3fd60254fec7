/**
 * Killing every process palhm started, however deep: what an interrupted run
 * left behind once its cleanup is done, and everything at once on the third
 * signal. Found through /proc's parent links, stopped first so none can fork
 * or be re-parented while the tree is walked, then killed together.
 * Synchronous: it runs right before `process.exit`.
 *
 * A process whose parent exits is re-parented to the nearest "child
 * subreaper" up its tree, else to init, where no walk from palhm finds it.
 * A run makes palhm a subreaper (prctl PR_SET_CHILD_SUBREAPER), so the
 * orphans of its children (a daemonized grandchild, a `sleep &` of a shell
 * that was killed) stay its descendants. Bun reaps only the children it
 * spawned: an adopted orphan that exits stays a zombie until palhm exits.
 */
import { readFileSync, readdirSync } from "node:fs";
import { libc } from "../exec/libc.ts";

const PR_SET_CHILD_SUBREAPER = 36;

let _claimed = false;

/**
 * Says this process is palhm's CLI, whose descendants are all palhm's: runs then adopt orphans and kill
 * leftovers after an interrupt. Not done where palhm runs inside another program (the library API, tests).
 */
export function claimProcessTree(): void {
  _claimed = true;
}

export function processTreeClaimed(): boolean {
  return _claimed;
}

/** Makes this process adopt the orphans of its descendants (Linux >= 3.4); false where it cannot. */
export async function adoptOrphans(): Promise<boolean> {
  try {
    return (await libc()).prctl(PR_SET_CHILD_SUBREAPER, 1) === 0;
  } catch {
    return false;
  }
}

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
  _awaitDeath(seen, _DEATH_WAIT_MS);
  return seen.size;
}

/** How long `killDescendants` waits for the killed to be dead (SIGKILL takes effect when the process is next scheduled). */
const _DEATH_WAIT_MS = 500;

/** Blocks until every pid is gone or a zombie, or `ms` have passed: palhm exits right after, with nothing of its own still running. */
function _awaitDeath(pids: ReadonlySet<number>, ms: number): void {
  const deadline = performance.now() + ms;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while ([...pids].some(_living) && performance.now() < deadline) Atomics.wait(pause, 0, 0, 5);
}

function _living(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}
