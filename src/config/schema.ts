/**
 * The valibot schema of one user config file (camelCase, the shapes of
 * types.ts), as written: before includes are merged and before defaults and
 * references are resolved (resolve.ts does that). Unknown keys are errors
 * everywhere, so a misspelt key is caught in plain JS and JSON configs too.
 */
import * as v from "valibot";
import { calendarShapeProblem } from "../schedule/calendar.ts";
import { backendSchemas } from "../backends/params.ts";
import { configMonitorFields, taskMonitorFields } from "./schema-monitor.ts";

const fn = v.custom<(...args: any[]) => unknown>((x) => typeof x === "function", "a function");
/** A string handed to the kernel (argv, environment, a path): a C string, which ends at the first NUL. */
const osString = v.pipe(v.string(), v.check((s) => !s.includes("\0"), "cannot contain NUL (\\0)"));
const env = v.record(osString, osString);
const argv = v.array(osString);
const decimal = v.union([v.number(), v.string()]);
const finiteNonNegative = v.pipe(
  v.number(),
  v.check((n) => Number.isFinite(n) && n >= 0, "must be a finite number >= 0"),
);
const _wholeNumber = (issue: { input: unknown }) => `expected a whole number, got ${String(issue.input)}`;
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

export const execDefSchema = v.strictObject({
  argv,
  env: v.optional(env),
  ec: v.optional(v.string()),
  vlStderr: v.optional(v.number()),
  vlStdout: v.optional(v.number()),
});

const execAppendSchema = v.strictObject({
  exec: v.string(),
  argv: v.optional(argv),
  env: v.optional(env),
  vlStderr: v.optional(v.number()),
  vlStdout: v.optional(v.number()),
});

/** By id, appended (`{exec, argv, env}`) or inline: the shape decides which, so errors point at the right keys. */
export const execRefSchema = v.lazy((input) => {
  if (typeof input === "string") return v.string();
  if (isObject(input) && "exec" in input) return execAppendSchema;
  return execDefSchema;
});

const pipelineSchema = v.array(execRefSchema);

const objectSchema = v.strictObject({
  path: v.string(),
  pipeline: pipelineSchema,
  allocSize: v.optional(decimal),
  group: v.optional(v.string()),
  restore: v.optional(pipelineSchema),
});

/** A systemd calendar expression; systemd-analyze judges it fully in `check` and `schedule install`. */
export const scheduleSchema = v.pipe(
  v.string(),
  v.check((s) => calendarShapeProblem(s) === null, (i) => calendarShapeProblem(i.input as string) ?? ""),
);

const groupSchema = v.strictObject({ id: v.string(), depends: v.optional(v.array(v.string())) });

export const backendSchema = v.variant("type", [...backendSchemas]);

const hookSpecSchema = v.strictObject({
  name: v.optional(v.string()),
  run: fn,
  timeout: v.optional(v.pipe(v.number(), v.check((n) => Number.isFinite(n) && n > 0, "must be a number > 0"))),
});
const hookEntrySchema = v.lazy((input) => (typeof input === "function" ? fn : hookSpecSchema));
const hookEntriesSchema = v.lazy((input) => (Array.isArray(input) ? v.array(hookEntrySchema) : hookEntrySchema));
const stateHooksSchema = v.strictObject({
  pre: v.optional(hookEntriesSchema),
  inspect: v.optional(hookEntriesSchema),
  post: v.optional(hookEntriesSchema),
  error: v.optional(hookEntriesSchema),
  finally: v.optional(hookEntriesSchema),
});
export const hooksSchema = v.strictObject({ backup: v.optional(stateHooksSchema), restore: v.optional(stateHooksSchema) });

const backupTaskSchema = v.strictObject({
  type: v.literal("backup"),
  backend: v.optional(backendSchema),
  backends: v.optional(v.pipe(v.array(backendSchema), v.minLength(1, "name at least one backend"))),
  require: v.optional(v.picklist(["all", "any"])),
  objectGroups: v.optional(v.array(groupSchema)),
  objects: v.array(objectSchema),
  hooks: v.optional(hooksSchema),
  schedule: v.optional(scheduleSchema),
  ...taskMonitorFields,
});

const sigmaskSchema = v.strictObject({
  builtin: v.literal("sigmask"),
  param: v.array(
    v.strictObject({
      action: v.picklist(["block", "unblock"]),
      sig: v.array(v.union([v.string(), v.number()])),
    }),
  ),
});

export const stepSchema = v.lazy((input) => {
  if (typeof input === "function") return fn;
  if (isObject(input) && "task" in input) return v.strictObject({ task: v.string() });
  if (isObject(input) && "builtin" in input) return sigmaskSchema;
  return execRefSchema;
});

const routineTaskSchema = v.strictObject({ type: v.literal("routine"), steps: v.array(stepSchema), schedule: v.optional(scheduleSchema), ...taskMonitorFields });

const replicateTaskSchema = v.strictObject({
  type: v.literal("replicate"),
  from: v.string(),
  to: backendSchema,
  copies: v.optional(
    v.union([
      v.picklist(["all", "latest"]),
      v.pipe(v.number(), v.check((n) => Number.isInteger(n) && n >= 1, (i) => `expected "all", "latest" or a whole number >= 1, got ${String(i.input)}`)),
    ]),
  ),
  schedule: v.optional(scheduleSchema),
  ...taskMonitorFields,
});

export const taskSchema = v.variant("type", [backupTaskSchema, routineTaskSchema, replicateTaskSchema]);

const muaObjectSchema = v.variant("type", [
  v.strictObject({ type: v.literal("stdout") }),
  v.strictObject({ type: v.literal("mailx"), path: v.optional(osString), intOpts: v.optional(argv) }),
  v.strictObject({ type: v.literal("aws-sns"), profile: v.optional(v.string()), region: v.optional(v.string()) }),
  v.strictObject({ type: v.literal("custom"), impl: v.custom<object>(isObject, "a MUA object") }),
]);
export const muaSchema = v.lazy((input) =>
  typeof input === "string" ? v.picklist(["stdout", "mailx", "aws-sns"]) : muaObjectSchema,
);

/** `mua` and `mailTo` are required once the included configs are merged (checked in resolve.ts), not per file. */
export const bootReportSchema = v.strictObject({
  mua: v.optional(muaSchema),
  mailTo: v.optional(v.array(v.string())),
  subject: v.optional(v.string()),
  header: v.optional(v.string()),
  uptimeSince: v.optional(v.boolean()),
  uptime: v.optional(v.boolean()),
  bootId: v.optional(v.boolean()),
  bootWait: v.optional(v.literal("systemd")),
  delay: v.optional(finiteNonNegative),
});

/** PALHM modules; palhm loads AWS support on use, so "aws" is accepted and changes nothing. */
export const MODULES = ["aws"] as const;

/** One config file. `include` holds config objects (TS) and is read by the loader before validation. */
export const userConfigSchema = v.strictObject({
  include: v.optional(v.array(v.unknown())),
  modules: v.optional(v.array(v.picklist(MODULES))),
  workers: v.optional(v.pipe(v.number(), v.integer(_wholeNumber))),
  verbosity: v.optional(v.pipe(v.number(), v.integer(_wholeNumber))),
  execs: v.optional(v.record(v.string(), execDefSchema)),
  tasks: v.optional(v.record(v.string(), taskSchema)),
  hooks: v.optional(hooksSchema),
  hooksDir: v.optional(osString),
  bootReport: v.optional(bootReportSchema),
  ...configMonitorFields,
});

export type CheckedConfig = v.InferOutput<typeof userConfigSchema>;
export type CheckedExecRef = v.InferOutput<typeof execRefSchema>;
export type CheckedTask = v.InferOutput<typeof taskSchema>;
export type CheckedHooks = v.InferOutput<typeof hooksSchema>;
export type CheckedBootReport = v.InferOutput<typeof bootReportSchema>;
