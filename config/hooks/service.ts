/**
 * Hooks that stop systemd units before an operation and start them again at
 * `finally`, so the copy is consistent and the service comes back even when
 * the backup failed.
 *
 * Only units that were active and that the hook itself stopped are started
 * again: if an earlier `pre` hook failed before this one ran, a unit an
 * administrator had stopped on purpose stays stopped. Units stop in the order
 * given and start in the reverse order.
 *
 * @example
 * // palhm.config.ts: stop the database for the backup of task "db" only
 * import { serviceHooks } from "./config/hooks/service.ts";
 * tasks: { db: { type: "backup", hooks: serviceHooks(["mariadb"]), ... } }
 */
import type { HookContext, Hooks, HookSpec } from "palhm";

type HookOp = HookContext["op"];

export interface ServiceHookOptions {
  /** The operations around which the units are stopped. @default ["backup", "restore"] */
  readonly ops?: readonly HookOp[];
  /** @default "systemctl" */
  readonly systemctl?: string;
}

export function serviceHooks(units: string | readonly string[], options: ServiceHookOptions = {}): Hooks {
  const list = typeof units === "string" ? [units] : [...units];
  const systemctl = options.systemctl ?? "systemctl";
  const name = `service ${list.join(",")}`;
  // Per operation of a task: what this hook stopped and must start again.
  const stopped = new Map<string, string[]>();
  const key = (ctx: HookContext) => `${ctx.op} ${ctx.taskId}`;

  const stop: HookSpec = {
    name: `stop ${name}`,
    async run(ctx) {
      const mine: string[] = [];
      stopped.set(key(ctx), mine);
      for (const unit of list) {
        const active = await ctx.$({ nothrow: true, quiet: true })`${systemctl} is-active --quiet ${unit}`;
        if (active.exitCode !== 0) {
          ctx.log.info(`${unit} is not active: leaving it alone`);
          continue;
        }
        await ctx.$`${systemctl} stop ${unit}`;
        mine.push(unit);
      }
    },
  };
  const start: HookSpec = {
    name: `start ${name}`,
    async run(ctx) {
      const mine = stopped.get(key(ctx)) ?? [];
      stopped.delete(key(ctx));
      const failed: string[] = [];
      for (const unit of mine.reverse()) {
        const r = await ctx.$({ nothrow: true })`${systemctl} start ${unit}`;
        if (r.exitCode !== 0) failed.push(`${unit} (exit code ${r.exitCode}: ${r.stderr.trim()})`);
      }
      if (failed.length) throw new Error(`could not start again: ${failed.join(", ")}`);
    },
  };
  const hooks: { -readonly [O in HookOp]?: { pre: HookSpec; finally: HookSpec } } = {};
  for (const op of options.ops ?? ["backup", "restore"]) hooks[op] = { pre: stop, finally: start };
  return hooks;
}
