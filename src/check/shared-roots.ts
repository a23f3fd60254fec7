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
    const params = t.type === "backup" ? (t.backends ?? [t.backend]) : t.type === "replicate" ? [t.to] : [];
    for (const param of params) {
      const d = descriptorOf(param);
      if (d.rotation(param) === null) continue; // keeps nothing: nothing to share
      const key = d.lockKey(param);
      const entry = byRoot.get(key) ?? { root: d.describe(param), tasks: [] };
      entry.tasks.push(t.id);
      byRoot.set(key, entry);
    }
  }
  return [...byRoot.values()].filter((e) => e.tasks.length > 1);
}
