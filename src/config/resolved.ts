/**
 * The config as the program uses it: defaults applied, references resolved,
 * validated. Built once by `resolveConfig()` (config/resolve.ts) from one or
 * more user configs (TS or PALHM JSON), read-only afterwards.
 */
import type { ResolvedExec } from "../exec/types.ts";
import type { HookOp, HookState, ResolvedHookFn, ResolvedHooks } from "../hooks/types.ts";
import type { Limit } from "../backup/decimal.ts";
import type { Mua } from "../boot-report/types.ts";
import type { StepFn } from "./types.ts";
import type { ResolvedMonitoring } from "../monitor/observe.ts";

export interface ResolvedObject {
  readonly path: string;
  readonly pipeline: readonly ResolvedExec[];
  readonly allocSize?: bigint;
  readonly group: string;
  readonly restore?: readonly ResolvedExec[];
}

export interface ResolvedGroup {
  readonly id: string;
  readonly depends: readonly string[];
}

export type { ResolvedBackendParam } from "../backends/params.ts";
import type { ResolvedBackendParam } from "../backends/params.ts";

export type { HookOp, HookState, ResolvedExec, ResolvedHookFn, ResolvedHooks };

export interface ResolvedBackupTask {
  readonly type: "backup";
  readonly id: string;
  /** The first (or only) destination: the one list, verify and restore read. */
  readonly backend: ResolvedBackendParam;
  /** A fan-out's destinations, `backend` first (absent: `backend` alone). */
  readonly backends?: readonly ResolvedBackendParam[];
  /** Fan-out: whether every destination must succeed ("all", the default) or one is enough ("any"). */
  readonly require?: "all" | "any";
  /** Always contains "default". */
  readonly groups: readonly ResolvedGroup[];
  readonly objects: readonly ResolvedObject[];
  readonly hooks: ResolvedHooks;
  /** systemd calendar expression, for `palhm schedule`. */
  readonly schedule?: string;
}

export type ResolvedStep =
  | { readonly kind: "exec"; readonly exec: ResolvedExec }
  | { readonly kind: "task"; readonly task: string }
  | {
      readonly kind: "sigmask";
      readonly param: readonly { readonly action: "block" | "unblock"; readonly sig: readonly NodeJS.Signals[] }[];
    }
  | { readonly kind: "fn"; readonly name: string; readonly fn: StepFn };

export interface ResolvedRoutineTask {
  readonly type: "routine";
  readonly id: string;
  readonly steps: readonly ResolvedStep[];
  /** systemd calendar expression, for `palhm schedule`. */
  readonly schedule?: string;
}

export interface ResolvedReplicateTask {
  readonly type: "replicate";
  readonly id: string;
  /** The backup task whose copies are replicated. */
  readonly from: string;
  readonly to: ResolvedBackendParam;
  /** "all", "latest" (1) or the newest N complete source copies. */
  readonly copies: number | "all";
  readonly schedule?: string;
}

export type ResolvedTask = ResolvedBackupTask | ResolvedRoutineTask | ResolvedReplicateTask;

/** A task whose copies are stored on a backend: a backup task, or a replicate task (its destination). */
export type StoringTask = ResolvedBackupTask | ResolvedReplicateTask;

export interface ResolvedBootReport {
  readonly mua:
    | { readonly type: "stdout" }
    | { readonly type: "mailx"; readonly path: string; readonly intOpts: readonly string[] }
    | { readonly type: "aws-sns"; readonly profile: string; readonly region?: string }
    | { readonly type: "custom"; readonly impl: Mua };
  readonly mailTo: readonly string[];
  readonly subject: string;
  readonly header: string;
  readonly uptimeSince: boolean;
  readonly uptime: boolean;
  readonly bootId: boolean;
  readonly bootWait?: "systemd";
  readonly delay: number;
}

export interface ResolvedConfig {
  /** The config file that was loaded (by -f, $PALHM_CONFIG or the lookup); absent for a config built in memory. */
  readonly file?: string;
  /**
   * Files the config was read from, including includes, in merge order: a later one's settings override an
   * earlier one's. A TS config comes after what it includes; a PALHM JSON one before (PALHM lets includes override).
   */
  readonly sources: readonly string[];
  /** Effective worker count (>= 1): 0/negative resolved to the CPUs available. */
  readonly workers: number;
  /** Effective verbosity, after CLI -q/-v. */
  readonly verbosity: number;
  readonly execs: ReadonlyMap<string, ResolvedExec>;
  readonly tasks: ReadonlyMap<string, ResolvedTask>;
  /** Global hooks (task hooks live on the task). */
  readonly hooks: ResolvedHooks;
  /** Directory of hook executables: config `hooksDir`, else `$PALHM_HOOKS`, else /etc/palhm/hooks.d. */
  readonly hooksDir: string;
  readonly bootReport?: ResolvedBootReport;
  /** Status records, metrics and pings. Absent in configs built by hand (library use, tests): nothing is recorded. */
  readonly monitoring?: ResolvedMonitoring;
}
