/**
 * The documented user types of monitoring (src/config/types.ts) pinned to the
 * valibot schema that checks them (src/config/schema-monitor.ts): a field
 * added, renamed or retyped on one side only fails the typecheck.
 */
import type * as v from "valibot";
import { defineConfig } from "palhm";
import type { configMonitorFields, pingSchema, statusSchema } from "../../src/config/schema-monitor.ts";
import type { keepSchema } from "../../src/backends/rotation-params.ts";
import type { KeepParam, MetricsParam, PalhmConfig, PingParam, StatusParam } from "../../src/config/types.ts";

/** Plain shape: no readonly, optional keys marked `?` the same way on both sides, intersections flattened. */
type Mutable<T> = T extends (infer U)[] | readonly (infer U)[] ? Mutable<U>[] : T extends object ? { -readonly [K in keyof T]-?: Mutable<Exclude<T[K], undefined>> } : T;
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

export const status: Same<Mutable<v.InferInput<typeof statusSchema>>, Mutable<StatusParam>> = true;
export const ping: Same<Mutable<v.InferInput<typeof pingSchema>>, Mutable<PingParam>> = true;
type Top = { [K in keyof typeof configMonitorFields]: v.InferInput<(typeof configMonitorFields)[K]> };
export const metrics: Same<Mutable<NonNullable<Top["metrics"]>>, Mutable<MetricsParam>> = true;
export const top: Same<Mutable<Top>, Mutable<Pick<PalhmConfig, keyof Top>>> = true;

export const keep: Same<Mutable<v.InferInput<typeof keepSchema>>, Mutable<KeepParam>> = true;

// defineConfig takes the monitoring and retention fields where the docs put them.
export const monitored = defineConfig({
  statusDir: "/var/lib/palhm",
  status: { warnAfter: "26h" },
  metrics: { textfile: "/var/lib/node_exporter/palhm.prom" },
  pings: [{ type: "healthchecks", url: "https://hc-ping.com/x" }],
  tasks: {
    b: {
      type: "backup",
      backend: { type: "localfs", root: "/b", keep: { daily: 7, monthly: "unlimited", timeZone: "UTC" } },
      objects: [],
      status: { critAfter: "2d" },
      pings: [{ type: "ntfy", url: "https://ntfy.sh/t", events: ["failure"] }],
    },
  },
});

export const misspeltPing = defineConfig({
  // @ts-expect-error a ping type palhm does not have
  pings: [{ type: "healthcheck", url: "https://hc-ping.com/x" }],
});
