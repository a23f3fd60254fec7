import { callerFile, stampSource } from "./source.ts";
import type { BackupTask, BootReport, ExecDef, Hooks, PalhmConfig, ReplicateTask, RoutineTask } from "./types.ts";

type ExecIdsOf<I> = I extends readonly (infer C)[] ? (C extends PalhmConfig<infer X, string> ? X : never) : never;
type TaskIdsOf<I> = I extends readonly (infer C)[] ? (C extends PalhmConfig<string, infer T> ? T : never) : never;

/** What `defineConfig` accepts: `X` exec ids, `T` task ids, `G` group ids, `I` included configs. */
export interface UserConfig<X extends string, T extends string, G extends string, I extends readonly PalhmConfig[]>
  extends Pick<PalhmConfig, "status" | "pings" | "metrics" | "statusDir"> {
  include?: I;
  modules?: readonly string[];
  workers?: number;
  verbosity?: number;
  execs?: { readonly [K in X]: ExecDef };
  tasks?: {
    readonly [K in T]:
      | BackupTask<NoInfer<X> | ExecIdsOf<I>, G>
      | RoutineTask<NoInfer<X> | ExecIdsOf<I>, NoInfer<T> | TaskIdsOf<I>>
      | ReplicateTask<NoInfer<T> | TaskIdsOf<I>>;
  };
  hooks?: Hooks;
  hooksDir?: string;
  bootReport?: BootReport;
}

/**
 * Declares a palhm config. An identity function: its job is the types, which
 * check that every exec, task and group a config names is defined.
 */
export function defineConfig<
  const X extends string = never,
  const T extends string = never,
  const G extends string = never,
  const I extends readonly PalhmConfig[] = readonly [],
>(config: UserConfig<X, T, G, I>): PalhmConfig<X | ExecIdsOf<I>, T | TaskIdsOf<I>> {
  // Remember the defining file, for merge errors that name both sources of a duplicate id.
  if (typeof config === "object" && config !== null) stampSource(config, callerFile());
  return config as PalhmConfig<X | ExecIdsOf<I>, T | TaskIdsOf<I>>;
}
