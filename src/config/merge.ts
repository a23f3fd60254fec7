/**
 * Merging a config with the configs it includes (PALHM `include`): execs and
 * tasks are merged (an id defined twice is an error naming both sources),
 * scalar settings of later configs override earlier ones, the boot report's
 * `mua` may be set once and `mailTo` lists are concatenated.
 */
import { ConfigError } from "../errors.ts";
import type { CheckedBootReport, CheckedConfig, CheckedHooks, CheckedTask } from "./schema.ts";
import type { ExecDefInput } from "./resolve-exec.ts";
import type { CheckedPing, CheckedStatus } from "./schema-monitor.ts";

/** One validated config file, in load order (included configs before the config including them). */
export interface ConfigUnit {
  readonly source: string;
  readonly config: CheckedConfig;
}

export interface Sourced<T> {
  readonly value: T;
  readonly source: string;
}

export interface MergedConfig {
  readonly sources: string[];
  workers?: number;
  verbosity?: number;
  modules: string[];
  readonly execs: Map<string, Sourced<ExecDefInput>>;
  readonly tasks: Map<string, Sourced<CheckedTask>>;
  readonly hooks: Sourced<CheckedHooks>[];
  hooksDir?: string;
  bootReport?: Sourced<CheckedBootReport> & { muaSource?: string };
  /** Monitoring: later configs override `status`, `metrics`, `statusDir`; `pings` are concatenated. */
  monitor: { status?: CheckedStatus; metricsTextfile?: string; statusDir?: string; pings: Sourced<CheckedPing[]>[] };
}

function _mergeIds<T>(kind: string, into: Map<string, Sourced<T>>, from: Record<string, T> | undefined, source: string) {
  for (const [id, value] of Object.entries(from ?? {})) {
    const prev = into.get(id);
    if (prev) {
      throw new ConfigError(`${kind} "${id}" is defined twice: in ${prev.source} and in ${source}`, `${kind}s.${id}`);
    }
    into.set(id, { value, source });
  }
}

function _mergeBootReport(merged: MergedConfig, br: CheckedBootReport, source: string): void {
  const prev = merged.bootReport;
  if (!prev) {
    merged.bootReport = { value: { ...br }, source, muaSource: br.mua === undefined ? undefined : source };
    return;
  }
  if (br.mua !== undefined && prev.muaSource) {
    throw new ConfigError(`the boot report's mua is set twice: in ${prev.muaSource} and in ${source}`, "bootReport.mua");
  }
  const mailTo = [...(prev.value.mailTo ?? []), ...(br.mailTo ?? [])];
  merged.bootReport = {
    value: { ...prev.value, ...br, mua: br.mua ?? prev.value.mua, mailTo },
    source,
    muaSource: prev.muaSource ?? (br.mua === undefined ? undefined : source),
  };
}

/** Merges validated configs, in load order. */
export function mergeConfigs(units: readonly ConfigUnit[]): MergedConfig {
  const merged: MergedConfig = { sources: [], modules: [], execs: new Map(), tasks: new Map(), hooks: [], monitor: { pings: [] } };
  for (const { source, config: c } of units) {
    merged.sources.push(source);
    if (c.workers !== undefined) merged.workers = c.workers;
    if (c.verbosity !== undefined) merged.verbosity = c.verbosity;
    if (c.hooksDir !== undefined) merged.hooksDir = c.hooksDir;
    for (const m of c.modules ?? []) if (!merged.modules.includes(m)) merged.modules.push(m);
    _mergeIds("exec", merged.execs, c.execs, source);
    _mergeIds("task", merged.tasks, c.tasks, source);
    if (c.hooks) merged.hooks.push({ value: c.hooks, source });
    if (c.bootReport) _mergeBootReport(merged, c.bootReport, source);
    if (c.status) merged.monitor.status = c.status;
    if (c.metrics) merged.monitor.metricsTextfile = c.metrics.textfile;
    if (c.statusDir !== undefined) merged.monitor.statusDir = c.statusDir;
    if (c.pings?.length) merged.monitor.pings.push({ value: c.pings, source });
  }
  return merged;
}
