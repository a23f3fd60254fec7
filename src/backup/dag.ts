/**
 * Object groups as a DAG: an object may start only once every object of every
 * group its group depends on, transitively, has finished. Pure scheduling
 * (`Schedule`) plus a small driver running at most `workers` objects at once.
 */
import type { ResolvedGroup } from "../config/resolved.ts";

interface _Item {
  readonly group: string;
}

/** Every group each group waits for, directly or through others. */
export function dependencyClosure(groups: readonly ResolvedGroup[]): Map<string, Set<string>> {
  const direct = new Map(groups.map((g) => [g.id, g.depends] as const));
  const closure = new Map<string, Set<string>>();
  const visit = (id: string, path: readonly string[]): Set<string> => {
    const known = closure.get(id);
    if (known) return known;
    if (path.includes(id)) throw new Error(`object groups form a cycle: ${[...path, id].join(" → ")}`);
    const all = new Set<string>();
    for (const dep of direct.get(id) ?? []) {
      all.add(dep);
      for (const d of visit(dep, [...path, id])) all.add(d);
    }
    closure.set(id, all);
    return all;
  };
  for (const g of groups) visit(g.id, []);
  return closure;
}

/** Groups in the order they can run: each level depends only on earlier levels. */
export function groupLevels(groups: readonly ResolvedGroup[]): string[][] {
  const closure = dependencyClosure(groups);
  const depth = new Map<string, number>();
  const depthOf = (id: string): number =>
    depth.get(id) ?? (depth.set(id, Math.max(-1, ...[...(closure.get(id) ?? [])].map(depthOf)) + 1), depth.get(id)!);
  const levels: string[][] = [];
  for (const g of groups) (levels[depthOf(g.id)] ??= []).push(g.id);
  return levels.filter(Boolean);
}

/** Which items may start, given what has started and finished. */
export class Schedule<T extends _Item> {
  private readonly waiting: T[];
  private readonly unfinished = new Map<string, number>();
  private readonly closure: Map<string, Set<string>>;
  private running = 0;

  constructor(groups: readonly ResolvedGroup[], items: readonly T[]) {
    this.closure = dependencyClosure(groups);
    this.waiting = [...items];
    for (const it of items) this.unfinished.set(it.group, (this.unfinished.get(it.group) ?? 0) + 1);
  }

  /** Items whose groups' dependencies have all finished, in config order, not yet started. */
  startable(): T[] {
    return this.waiting.filter((it) => [...(this.closure.get(it.group) ?? [])].every((g) => !this.unfinished.get(g)));
  }

  start(item: T): void {
    const i = this.waiting.indexOf(item);
    if (i < 0) throw new Error("item started twice");
    this.waiting.splice(i, 1);
    this.running++;
  }

  finish(item: T): void {
    this.running--;
    this.unfinished.set(item.group, this.unfinished.get(item.group)! - 1);
  }

  get done(): boolean {
    return this.waiting.length === 0 && this.running === 0;
  }

  get active(): number {
    return this.running;
  }
}

/**
 * Runs every item through `run`, at most `workers` at once, in dependency order.
 * At the first failure nothing new starts, `onFailure` is called (to stop the
 * running ones), the running ones are awaited and the first error is rethrown.
 */
export async function runScheduled<T extends _Item, R>(
  schedule: Schedule<T>,
  workers: number,
  run: (item: T) => Promise<R>,
  onFailure: (error: unknown) => void,
): Promise<Map<T, R>> {
  const results = new Map<T, R>();
  const inflight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  const limit = Math.max(1, workers);
  for (;;) {
    if (!failure) {
      for (const item of schedule.startable()) {
        if (schedule.active >= limit) break;
        schedule.start(item);
        const p: Promise<void> = run(item).then(
          (r) => {
            results.set(item, r);
            schedule.finish(item);
          },
          (e) => {
            schedule.finish(item);
            if (!failure) {
              failure = { error: e };
              onFailure(e);
            }
          },
        ).finally(() => inflight.delete(p));
        inflight.add(p);
      }
    }
    if (inflight.size === 0) break;
    await Promise.race(inflight);
  }
  if (failure) throw failure.error;
  if (!schedule.done) throw new Error("object groups could not all be scheduled (a dependency cycle?)");
  return results;
}
