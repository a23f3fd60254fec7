/**
 * The configuration a user writes in `palhm.config.ts`.
 *
 * These types are the product's public surface: every field is documented so
 * the editor explains it on hover. `defineConfig` (in `define.ts`) threads the
 * ids a config defines (exec ids, task ids, group ids) through these types, so
 * a pipeline naming an unknown exec, or a group depending on an unknown
 * group, is a type error. The same checks run again at load time (valibot).
 */
import type { Mua } from "../boot-report/types.ts";
import type { HookFn } from "../hooks/types.ts";
import type { StepContext } from "../routine/types.ts";

/** A decimal of any size: a number, a string of digits, or an infinity word ("inf", "Infinity", "-inf", "-Infinity"). A fractional part is ignored. */
export type Decimal = number | string;

/**
 * An exec: a program and how its run is judged. No shell is involved, ever.
 * @example { argv: ["zstd", "-T0"], ec: "==0" }
 */
export interface ExecDef {
  /** Program and arguments. The program is looked up in `PATH` unless it contains a `/`. */
  argv: readonly [string, ...string[]];
  /** Variables added to the inherited environment. */
  env?: Readonly<Record<string, string>>;
  /**
   * Accepted exit codes: `"MIN-MAX"` (inclusive) or `"[C]N"` with C one of `<`, `<=`, `>`, `>=`, `==`.
   * @default "==0"
   * @example "<2" // tar: 1 means "some files differ"
   */
  ec?: string;
  /**
   * The verbosity from which the program's stderr is shown; below it stderr goes to /dev/null.
   * @default 1
   */
  vlStderr?: number;
  /**
   * The verbosity from which the program's stdout is shown (routine steps only: in a pipeline stdout feeds the next process).
   * @default 3
   */
  vlStdout?: number;
}

/**
 * A use of an exec: its id, its id with extra arguments and environment appended (PALHM `exec-append`),
 * or a full inline definition (PALHM `exec-inline`).
 */
export type ExecRef<X extends string = string> =
  | X
  | {
      /** The id of an exec defined in `execs` (here or in an included config). */
      exec: X;
      /** Arguments appended to the exec's argv. */
      argv?: readonly string[];
      /** Variables added to the exec's environment. */
      env?: Readonly<Record<string, string>>;
      /** The exec's `vlStderr` for this use (PALHM `vl-stderr` on an `exec`/`exec-append` entry). */
      vlStderr?: number;
      /** The exec's `vlStdout` for this use. */
      vlStdout?: number;
    }
  | ExecDef;

/** A group of backup objects, and the groups that must be finished before it starts. */
export interface ObjectGroup<G extends string = string> {
  /** Group id, unique in its task. */
  id: G;
  /** Groups whose objects must all have finished (transitively) before any object of this group starts. */
  depends?: readonly NoInfer<G>[];
}

/** A backup object: a file produced by a pipeline into the copy. */
export interface BackupObject<X extends string = string, G extends string = string> {
  /**
   * Where the output lands inside the copy. May contain `/`; must stay inside the copy.
   * @example "db/all.sql.zst"
   */
  path: string;
  /** Programs connected by pipes: `a | b | c > sink`. Non-empty. */
  pipeline: readonly [ExecRef<X>, ...ExecRef<X>[]];
  /** Expected size in bytes: a hint for preallocation and S3 part sizing. */
  allocSize?: Decimal;
  /**
   * Object group.
   * @default "default"
   */
  group?: NoInfer<G> | "default";
  /**
   * A pipeline that consumes the object on restore, e.g. `zstd -d | mysql`.
   * An argument `"{identity}"` stands for the private key file named by
   * `palhm restore --identity FILE`, else by the exec's `PALHM_IDENTITY`,
   * else by palhm's own `$PALHM_IDENTITY` (age's restore uses it).
   */
  restore?: readonly [ExecRef<X>, ...ExecRef<X>[]];
}

export type { BackendParam, CustomBackendParam, LocalfsBackendParam, NullBackendParam, RcloneBackendParam, RotationParam, S3BackendParam } from "../backends/params.ts";
export type { KeepCount, KeepParam } from "../backends/rotation-params.ts";
import type { BackendParam } from "../backends/params.ts";

export type { HookFn };

/** A hook with options. */
export interface HookSpec {
  /** Shown in errors and logs. @default the function's name */
  name?: string;
  run: HookFn;
  /** Seconds after which the hook is aborted (its `ctx.signal` fires) and fails. */
  timeout?: number;
}

export type HookEntry = HookFn | HookSpec;

/** Hooks at each state of one operation. */
export interface StateHooks {
  /** Before anything. A failure aborts the operation. */
  pre?: HookEntry | readonly HookEntry[];
  /** Backup: all objects built, before the copy is committed and rotated. Restore: objects fetched, before they are applied. A failure aborts and rolls back. */
  inspect?: HookEntry | readonly HookEntry[];
  /** After success. A failure fails the run but keeps the copy. */
  post?: HookEntry | readonly HookEntry[];
  /** The operation failed; `ctx.error` holds why. */
  error?: HookEntry | readonly HookEntry[];
  /** Always, last: restart what `pre` stopped. */
  finally?: HookEntry | readonly HookEntry[];
}

/** Hooks around backup and restore. */
export interface Hooks {
  backup?: StateHooks;
  restore?: StateHooks;
}

/**
 * A duration for status thresholds: numbers with units `w`, `d`, `h`, `m` (minutes), `s`.
 * @example "26h"
 * @example "1d12h"
 */
export type StatusDuration = string;

/** When `palhm status` calls a task's last success too old (Nagios/Icinga WARNING and CRITICAL). */
export interface StatusParam {
  /** Age of the last successful run past which the task is WARNING. @example "26h" */
  warnAfter?: StatusDuration;
  /** Age of the last successful run past which the task is CRITICAL (also when it never succeeded). @example "50h" */
  critAfter?: StatusDuration;
}

export type { PingEvent, PingKind } from "../monitor/pings.ts";
import type { PingEvent, PingKind } from "../monitor/pings.ts";

/**
 * A ping to a monitoring service on a run's start, success or failure. A ping that fails is a
 * warning, never a failed run.
 *  - `healthchecks`: healthchecks.io or compatible; `url` is the check's ping URL
 *    (`/start` and `/fail` are appended; the body is the run's summary, or the failure and its stderr).
 *  - `uptime-kuma`: an Uptime Kuma push URL (`status`, `msg`, `ping` are set as its query).
 *  - `ntfy`: a topic URL such as `https://ntfy.sh/mytopic` (put an access token in `headers`).
 *  - `webhook`: POSTs the run's result as JSON (`event`, `task`, `ok`, `error`, `prefix`, `bytes`, ...).
 * @example { type: "healthchecks", url: "https://hc-ping.com/UUID" }
 */
export interface PingParam {
  type: PingKind;
  /** http:// or https:// URL. Often a secret itself: messages show only its origin. */
  url: string;
  /** @default healthchecks and webhook: all three; uptime-kuma: success and failure; ntfy: failure */
  events?: readonly PingEvent[];
  /** Seconds to wait for an answer (at most 300). @default 10 */
  timeout?: number;
  /** Extra request headers, e.g. `{ Authorization: "Bearer tk_..." }` for ntfy. */
  headers?: Readonly<Record<string, string>>;
}

/** Prometheus metrics for node_exporter's textfile collector. */
export interface MetricsParam {
  /** Absolute path of the textfile, rewritten atomically after every run. @example "/var/lib/node_exporter/palhm.prom" */
  textfile: string;
}

/** A backup task: pipelines into a backend, rotated. */
export interface BackupTask<X extends string = string, G extends string = string> {
  type: "backup";
  /** Where copies go. Give either `backend` or `backends`. */
  backend?: BackendParam;
  /**
   * Several destinations at once (fan-out): each object's pipeline runs once and its output goes to every
   * backend, each with its own copy, manifest and rotation. The first is the one `list`, `verify` and
   * `restore` read. Give either `backend` or `backends`.
   * @example [localDisk, offsiteBucket] // two backend objects, as `backend` takes one
   */
  backends?: readonly BackendParam[];
  /**
   * With `backends`, what a failing destination does: `"all"`, the run fails and every copy is rolled back;
   * `"any"`, that destination's copy is rolled back, the run goes on with the others, keeps their copies and
   * exits 1 naming it.
   * @default "all"
   */
  require?: "all" | "any";
  /** Object groups forming a dependency DAG. The group "default" always exists. */
  objectGroups?: readonly ObjectGroup<G>[];
  /** The objects of each copy. */
  objects: readonly BackupObject<X, G>[];
  /** Hooks for this task only. */
  hooks?: Hooks;
  /**
   * When `palhm schedule install` runs this task: a systemd calendar expression (`OnCalendar=`, systemd.time(7)),
   * checked by `systemd-analyze calendar` in `palhm check` and `palhm schedule install`. Without it the task runs only when asked.
   * @example "daily"
   * @example "*-*-* 03:30"
   * @example "Mon..Fri 22:00"
   */
  schedule?: string;
  /** Thresholds for `palhm status` (override the config's `status`). */
  status?: StatusParam;
  /** Pings for this task's runs (also when a routine runs it), besides the config's `pings`. */
  pings?: readonly PingParam[];
}

/** A builtin step. */
export interface SigmaskStep {
  /** Block or unblock signals for the rest of the run. */
  builtin: "sigmask";
  param: readonly {
    action: "block" | "unblock";
    /** Names with or without `SIG`, numbers, or numeric strings: "TERM", "SIGINT", 15, "2". */
    sig: readonly (string | number)[];
  }[];
}

/** A TypeScript step. */
export type StepFn = (ctx: StepContext) => unknown | Promise<unknown>;

/** A reference to another task, run to completion. */
export interface TaskStep<T extends string = string> {
  task: T;
}

export type RoutineStep<X extends string = string, T extends string = string> =
  | ExecRef<X>
  | TaskStep<T>
  | SigmaskStep
  | StepFn;

/** A routine task: steps one after another; the first failure stops it. */
export interface RoutineTask<X extends string = string, T extends string = string> {
  type: "routine";
  steps: readonly RoutineStep<X, T>[];
  /**
   * When `palhm schedule install` runs this task: a systemd calendar expression (`OnCalendar=`, systemd.time(7)),
   * checked by `systemd-analyze calendar` in `palhm check` and `palhm schedule install`. Without it the task runs only when asked.
   * @example "daily"
   * @example "*-*-* 03:30"
   * @example "Mon..Fri 22:00"
   */
  schedule?: string;
  /** Thresholds for `palhm status` (override the config's `status`). */
  status?: StatusParam;
  /** Pings for this task's runs, besides the config's `pings`. */
  pings?: readonly PingParam[];
}

/**
 * A replicate task: brings the complete copies of a backup task that another
 * backend lacks (an off-site copy, the 3-2-1 rule), object by object, each
 * checked against the source manifest as it flows; then rotates the
 * destination by its own limits and keep rules.
 * @example { type: "replicate", from: "backup", to: offsiteBucket } // `to` is a backend object, as a backup task's `backend`
 */
export interface ReplicateTask<T extends string = string> {
  type: "replicate";
  /** The backup task whose copies are replicated. */
  from: T;
  /** Where the replicas go, with their own rotation limits (`nbCopyLimit`, `rootSizeLimit`, `keep`). Not the source's root. */
  to: BackendParam;
  /**
   * Which complete source copies to bring: all of them, the latest, or the newest N.
   * Copies the destination's rotation would remove at once are not brought.
   * @default "all"
   */
  copies?: "all" | "latest" | number;
  /** When `palhm schedule install` runs this task (a systemd calendar expression). @example "daily" */
  schedule?: string;
  /** Thresholds for `palhm status` (override the config's `status`). */
  status?: StatusParam;
  /** Pings for this task's runs, besides the config's `pings`. */
  pings?: readonly PingParam[];
}

export type Task<X extends string = string, T extends string = string, G extends string = string> =
  | BackupTask<X, G>
  | RoutineTask<X, T>
  | ReplicateTask<T>;

/** Boot report MUA, by name (no parameters) or with parameters. */
export type MuaParam =
  | "stdout"
  | "mailx"
  | "aws-sns"
  | { type: "stdout" }
  | {
      type: "mailx";
      /**
       * The mailx program (s-nail, BSD mailx, heirloom mailx), a path or a name looked up in `PATH`.
       * @default "s-nail" // Debian's and Ubuntu's `s-nail` package has no `mailx`
       */
      path?: string;
      /** Each passed as `-S OPT`. */
      intOpts?: readonly string[];
    }
  | {
      type: "aws-sns";
      /** @default "default" */
      profile?: string;
      region?: string;
    }
  | { type: "custom"; impl: Mua };

export interface BootReport {
  /** How the report is sent. Set once across included configs. */
  mua: MuaParam;
  /** Recipients the MUA understands (addresses, SNS topic ARNs). Concatenated across included configs. */
  mailTo: readonly string[];
  /** @default "Boot Report from {hostname}" */
  subject?: string;
  /** Leading comment lines of the body. @default "This is a boot report from {hostname}.\nMore details as follows." */
  header?: string;
  /** Include `uptime --since`. @default true */
  uptimeSince?: boolean;
  /** Include `uptime -p`. @default true */
  uptime?: boolean;
  /** Include the kernel boot id. @default true */
  bootId?: boolean;
  /** Wait for systemd to finish booting (`systemctl is-system-running --wait`). */
  bootWait?: "systemd";
  /** Seconds to wait before sending (finite, >= 0). */
  delay?: number;
}

/** A config as `defineConfig` returns it: the ids it defines are carried in its type. */
export interface PalhmConfig<X extends string = string, T extends string = string> {
  /** Configs merged before this one. */
  include?: readonly PalhmConfig<string, string>[];
  /** Modules to enable (PALHM `modules`; "aws" is accepted, palhm loads AWS support on use). */
  modules?: readonly string[];
  /**
   * How many backup objects are built at once. 0 = CPUs available; negative = default; 1 = sequential.
   * @default 0
   */
  workers?: number;
  /**
   * 0 critical, 1 error, 2 warning, 3 info, 4+ debug. CLI `-q`/`-v` override it.
   * @default 3
   */
  verbosity?: number;
  /** Programs, by id. */
  execs?: { readonly [K in X]: ExecDef };
  /** Tasks, by id. */
  tasks?: { readonly [K in T]: Task };
  /** Hooks around every task's backup and restore. */
  hooks?: Hooks;
  /** Directory of hook executables. @default "/etc/palhm/hooks.d" (or `$PALHM_HOOKS`) */
  hooksDir?: string;
  bootReport?: BootReport;
  /** Default thresholds of `palhm status` for every task. */
  status?: StatusParam;
  /** Pings for every task run from the command line (not repeated for the tasks a routine runs). Concatenated across included configs. */
  pings?: readonly PingParam[];
  /** Prometheus metrics of every task, in one node_exporter textfile. */
  metrics?: MetricsParam;
  /**
   * Where each task's status record (last run, last success) is kept.
   * @default `$PALHM_STATUS_DIR`, else "/var/lib/palhm" (when it exists or palhm runs as root), else `$XDG_STATE_HOME/palhm`
   */
  statusDir?: string;
  /** Phantom marker carrying the ids for included configs. */
  readonly __ids?: { execs: X; tasks: T };
}
