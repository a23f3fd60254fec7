/** Which replicate tasks hold a complete replica of each copy of a backup task: `palhm list` shows it per copy. */
import type { ResolvedConfig } from "../config/resolved.ts";
import { openCopies } from "../copies/open.ts";
import type { Logger } from "../log.ts";

/** prefix → ids of the replicate tasks (from `taskId`) whose destination holds it complete. Unreachable destinations are warned about and left out. */
export async function replicasOf(config: ResolvedConfig, taskId: string, log: Logger, signal: AbortSignal): Promise<Map<string, string[]>> {
  const where = new Map<string, string[]>();
  for (const t of config.tasks.values()) {
    if (t.type !== "replicate" || t.from !== taskId) continue;
    try {
      const copies = await openCopies(t.to, { taskId: t.id, log, signal });
      try {
        for (const c of await copies.listOwn()) {
          if (c.state !== "complete" && c.state !== "legacy") continue;
          where.set(c.prefix, [...(where.get(c.prefix) ?? []), t.id]);
        }
      } finally {
        await copies.close();
      }
    } catch (e) {
      if (signal.aborted) throw e; // interrupted: not a destination to leave out
      log.warn(`replicate task ${t.id}: cannot list ${(e as Error).message}`);
    }
  }
  return where;
}
