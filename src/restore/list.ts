/** The copies of a task as `palhm list` shows them: prefix, state, objects, size. */
import type { Copies } from "../copies/copies.ts";
import type { CopyState } from "../copies/names.ts";
import { formatBytes } from "../ui/format.ts";

export interface CopyListing {
  readonly prefix: string;
  readonly state: CopyState;
  readonly location: string;
  /** Stored objects (the manifest and the mark not counted). */
  readonly objects: number;
  /** Every stored byte of the copy. */
  readonly size: bigint;
  /** Named after a time later than now (made while a clock was wrong): rotation leaves it alone, verify and restore do not take it as the latest. */
  readonly future: boolean;
  /** Replicate tasks whose destination holds this copy too (absent for a replica's own listing). */
  readonly replicas?: readonly string[];
}

/** The task's copies (and legacy ones), oldest first; copies of other tasks sharing the root are left out. */
export async function listCopies(copies: Copies, now = new Date()): Promise<CopyListing[]> {
  return (await copies.listOwn()).map((c) => ({
    future: Date.parse(c.prefix) > now.getTime(),
    prefix: c.prefix,
    state: c.state,
    location: copies.store.location(`${c.prefix}/`),
    objects: c.objects.length,
    size: c.size,
  }));
}

/** Text table, one line per copy, columns aligned. */
export function formatListing(copies: readonly CopyListing[]): string {
  const rows = copies.map((c) => [
    c.prefix,
    c.state,
    `${c.objects} object${c.objects === 1 ? "" : "s"}`,
    formatBytes(c.size),
    `(${c.size} bytes)`,
    ...(c.replicas?.length ? [`also at: ${c.replicas.join(", ")}`] : []),
    ...(c.future ? ["!!! dated in the future: is the clock right?"] : []),
  ]);
  const widths = rows.reduce((w, r) => r.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), [] as number[]);
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ")).join("\n");
}

/** The `--json` document. Sizes are numbers, or decimal strings past 2^53 bytes. */
export function listingJson(taskId: string, root: string, copies: readonly CopyListing[]): unknown {
  return {
    task: taskId,
    root,
    copies: copies.map((c) => ({ prefix: c.prefix, state: c.state, location: c.location, objects: c.objects, size: _jsonSize(c.size), ...(c.future ? { future: true } : {}), ...(c.replicas ? { replicas: c.replicas } : {}) })),
  };
}

function _jsonSize(n: bigint): number | string {
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
}
