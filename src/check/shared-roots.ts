/** Backup tasks that write to the same backend root: allowed (each keeps and rotates only its own copies), but worth a warning. */
import { descriptorOf } from "../backends/registry.ts";
import type { ResolvedConfig } from "../config/resolved.ts";

export interface SharedRoot {
  readonly root: string;
  readonly tasks: readonly string[];
}

export function sharedRoots(config: ResolvedConfig): SharedRoot[] {
  const byRoot = new Map<string, { root: string; tasks: string[] }>();
  for (const t of config.tasks.values()) {
    if (t.type !== "backup") continue;
    const d = descriptorOf(t.backend);
    if (d.rotation(t.backend) === null) continue; // keeps nothing: nothing to share
    const key = d.lockKey(t.backend);
    const entry = byRoot.get(key) ?? { root: d.describe(t.backend), tasks: [] };
    entry.tasks.push(t.id);
    byRoot.set(key, entry);
  }
  return [...byRoot.values()].filter((e) => e.tasks.length > 1);
}
