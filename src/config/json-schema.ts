/**
 * The PALHM JSON config format as a valibot schema, for `palhm schema`
 * (converted to JSON Schema for editors: `"$schema"` completion in
 * palhm.json). Loading does not use it: JSON is translated and validated by
 * the same schema as TS configs (palhm-json.ts, schema.ts), so errors read alike.
 */
import * as v from "valibot";
import { MODULES } from "./schema.ts";

const decimal = v.pipe(v.union([v.number(), v.string()]), v.description('a decimal of any size, or "inf"/"Infinity"'));
const env = v.record(v.string(), v.string());
const argv = v.pipe(v.array(v.string()), v.minLength(1));
const thresholds = { "vl-stderr": v.optional(v.number()), "vl-stdout": v.optional(v.number()) };
const execFields = {
  argv,
  env: v.optional(env),
  ec: v.optional(v.pipe(v.string(), v.description('accepted exit codes: "MIN-MAX" or "[<|<=|>|>=|==]N"; default "==0"'))),
  ...thresholds,
};
const execEntries = [
  v.strictObject({ type: v.literal("exec"), "exec-id": v.string(), ...thresholds }),
  v.strictObject({ type: v.literal("exec-append"), "exec-id": v.string(), argv: v.optional(v.array(v.string())), env: v.optional(env), ...thresholds }),
  v.strictObject({ type: v.literal("exec-inline"), ...execFields }),
] as const;
const pipeline = v.pipe(v.array(v.variant("type", [...execEntries])), v.minLength(1));
const rotation = {
  "nb-copy-limit": v.optional(decimal),
  "root-size-limit": v.optional(decimal),
  prefix: v.optional(v.pipe(v.strictObject({ type: v.literal("default") }), v.description("how copies are named; only the default (the UTC time of the run) exists"))),
};

const object = v.strictObject({
  path: v.pipe(v.string(), v.description('where the output lands inside the copy; a leading "/" is inside the copy too')),
  "alloc-size": v.optional(decimal),
  group: v.optional(v.string()),
  pipeline,
  restore: v.optional(pipeline),
});
const backupFields = {
  id: v.string(),
  type: v.literal("backup"),
  "object-groups": v.optional(v.array(v.strictObject({ id: v.string(), depends: v.optional(v.array(v.string())) }))),
  objects: v.array(object),
};
const backup = v.variant("backend", [
  v.strictObject({ ...backupFields, backend: v.literal("null"), "backend-param": v.optional(v.strictObject({ prefix: rotation.prefix })) }),
  v.strictObject({
    ...backupFields,
    backend: v.literal("localfs"),
    "backend-param": v.strictObject({ root: v.string(), dmode: v.optional(v.string()), fmode: v.optional(v.string()), "block-size": v.optional(v.number()), ...rotation }),
  }),
  v.strictObject({
    ...backupFields,
    backend: v.literal("aws-s3"),
    "backend-param": v.strictObject({
      bucket: v.string(),
      root: v.string(),
      profile: v.optional(v.string()),
      region: v.optional(v.string()),
      endpoint: v.optional(v.string()),
      "sink-storage-class": v.optional(v.string()),
      "rot-storage-class": v.optional(v.string()),
      ...rotation,
    }),
  }),
  // Not PALHM's: palhm's rclone backend, which the loader takes in JSON configs too.
  v.strictObject({
    ...backupFields,
    backend: v.literal("rclone"),
    "backend-param": v.strictObject({
      remote: v.pipe(v.string(), v.description('NAME:PATH, a remote of the rclone config, e.g. "offsite:backups/web1"')),
      config: v.optional(v.pipe(v.string(), v.description("the rclone config file (rclone's --config)"))),
      flags: v.optional(v.pipe(v.array(v.string()), v.description("extra rclone flags for every call; no secrets"))),
      ...rotation,
    }),
  }),
]);
const step = v.variant("type", [
  ...execEntries,
  v.strictObject({ type: v.literal("task"), "task-id": v.string() }),
  v.strictObject({
    type: v.literal("builtin"),
    "builtin-id": v.literal("sigmask"),
    param: v.array(v.strictObject({ action: v.picklist(["block", "unblock"]), sig: v.array(v.union([v.string(), v.number()])) })),
  }),
]);
const routine = v.strictObject({ id: v.string(), type: v.literal("routine"), routine: v.array(step) });

const bootReportFields = {
  "mail-to": v.array(v.string()),
  subject: v.optional(v.string()),
  header: v.optional(v.string()),
  "uptime-since": v.optional(v.boolean()),
  uptime: v.optional(v.boolean()),
  bootid: v.optional(v.boolean()),
  "boot-wait": v.optional(v.literal("systemd")),
  delay: v.optional(v.pipe(v.number(), v.minValue(0))),
};
const bootReport = v.variant("mua", [
  v.strictObject({ ...bootReportFields, mua: v.literal("stdout") }),
  v.strictObject({ ...bootReportFields, mua: v.literal("mailx"), "mua-param": v.optional(v.strictObject({ path: v.optional(v.string()), exec: v.optional(v.pipe(v.string(), v.description("the mailx program (PALHM's name for path)"))), "int-opts": v.optional(v.array(v.string())) })) }),
  v.strictObject({ ...bootReportFields, mua: v.literal("aws-sns"), "mua-param": v.optional(v.strictObject({ profile: v.optional(v.string()), region: v.optional(v.string()) })) }),
]);

export const palhmJsonSchema = v.strictObject({
  $schema: v.optional(v.string()),
  include: v.optional(v.pipe(v.array(v.string()), v.description("config files merged before this one, relative to this file"))),
  modules: v.optional(v.array(v.picklist(MODULES))),
  "nb-workers": v.optional(v.pipe(v.number(), v.integer(), v.description("backup objects built at once; 0 = CPUs available"))),
  vl: v.optional(v.pipe(v.number(), v.integer(), v.description("verbosity: 0 critical, 1 error, 2 warning, 3 info, 4+ debug"))),
  "hooks-dir": v.optional(v.string()),
  execs: v.optional(v.array(v.strictObject({ id: v.string(), ...execFields }))),
  tasks: v.optional(v.array(v.union([backup, routine]))),
  "boot-report": v.optional(bootReport),
});
