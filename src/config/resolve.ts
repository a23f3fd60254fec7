/**
 * resolveConfig(): from validated, merged user configs to the ResolvedConfig
 * the rest of palhm consumes. Defaults are applied here and every reference
 * (exec, task, group) is checked, with the path of the fault.
 */
import { availableParallelism } from "node:os";
import * as v from "valibot";
import { ConfigError } from "../errors.ts";
import type { ResolvedConfig, ResolvedExec, ResolvedTask } from "./resolved.ts";
import { userConfigSchema, type CheckedConfig } from "./schema.ts";
import { configThrew, issuesError } from "./issues.ts";
import { mergeConfigs, type ConfigUnit, type MergedConfig } from "./merge.ts";
import { resolveExecDef } from "./resolve-exec.ts";
import { resolveBackupTask } from "./resolve-backup.ts";
import { checkRoutineCycles, resolveRoutineTask } from "./resolve-routine.ts";
import { resolveHooks } from "./resolve-hooks.ts";
import { resolveBootReport } from "./resolve-boot-report.ts";
import { resolveMonitoring } from "./resolve-monitor.ts";
import { resolveReplicateTask } from "./resolve-replicate.ts";

export const HOOKS_DIR_DEFAULT = "/etc/palhm/hooks.d";
export const VERBOSITY_DEFAULT = 3;

export interface ResolveOptions {
  /** For `$PALHM_HOOKS`. @default process.env */
  env?: Record<string, string | undefined>;
  /** Maps the config's verbosity to the effective one (CLI -q/-v). */
  verbosity?: (configured: number) => number;
}

/** Validates one config file's object against the schema; errors name the source. */
export function checkConfig(input: unknown, source?: string): CheckedConfig {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new ConfigError("a config must be an object (the default export, or what its function returns)", undefined, source);
  }
  let r: ReturnType<typeof v.safeParse<typeof userConfigSchema>>;
  try {
    r = v.safeParse(userConfigSchema, input);
  } catch (e) {
    // The config's own code ran while it was read (a getter, a proxy) and threw, or it nests too deep to walk.
    throw new ConfigError(`reading the config failed: ${configThrew(e)}`, undefined, source);
  }
  if (!r.success) throw issuesError(r.issues, source);
  return r.output;
}

/** Resolves merged configs into the config palhm runs. */
export function resolveMerged(merged: MergedConfig, options: ResolveOptions = {}): ResolvedConfig {
  const env = options.env ?? process.env;
  const execs = new Map<string, ResolvedExec>();
  for (const [id, { value, source }] of merged.execs) execs.set(id, resolveExecDef(value, ["execs", id], source, id));

  const globalHooks = resolveHooks(merged.hooks.map((h) => h.value), "global");
  const taskIds = [...merged.tasks.keys()];
  const tasks = new Map<string, ResolvedTask>();
  for (const [id, { value: t, source }] of merged.tasks) {
    if (t.type === "replicate") continue;
    const task: ResolvedTask =
      t.type === "backup"
        ? resolveBackupTask(id, t, execs, resolveHooks(t.hooks ? [t.hooks] : [], `task ${id}`), source)
        : resolveRoutineTask(id, t, execs, taskIds, source);
    tasks.set(id, t.schedule === undefined ? task : { ...task, schedule: t.schedule });
  }
  for (const [id, { value: t, source }] of merged.tasks) {
    if (t.type !== "replicate") continue;
    const task = resolveReplicateTask(id, t, tasks, taskIds, source);
    tasks.set(id, t.schedule === undefined ? task : { ...task, schedule: t.schedule });
  }
  // Map order is the config's order, whatever the kind of task.
  const ordered = new Map(taskIds.map((id) => [id, tasks.get(id)!] as const));
  tasks.clear();
  for (const [id, t] of ordered) tasks.set(id, t);
  checkRoutineCycles(tasks as ReadonlyMap<string, ResolvedTask & { steps?: never }>, (id) => merged.tasks.get(id)?.source);

  const workers = merged.workers === undefined || merged.workers <= 0 ? availableParallelism() : merged.workers;
  const configured = merged.verbosity ?? VERBOSITY_DEFAULT;
  const br = merged.bootReport;
  return {
    sources: [...merged.sources],
    workers,
    verbosity: options.verbosity ? options.verbosity(configured) : configured,
    execs,
    tasks,
    hooks: globalHooks,
    hooksDir: merged.hooksDir ?? env.PALHM_HOOKS ?? HOOKS_DIR_DEFAULT,
    ...(br ? { bootReport: resolveBootReport(br.value, br.source) } : {}),
    monitoring: resolveMonitoring(merged, env),
  };
}

/**
 * Validates, merges (in order: included configs first) and resolves user
 * configs. Each unit's `config` is the raw object of one file.
 */
export function resolveConfig(units: readonly { source: string; config: unknown }[], options: ResolveOptions = {}): ResolvedConfig {
  const checked: ConfigUnit[] = units.map((u) => ({ source: u.source, config: checkConfig(u.config, u.source) }));
  return resolveMerged(mergeConfigs(checked), options);
}
