/**
 * Type tests for defineConfig, checked by `tsc --noEmit -p .` (part of the
 * test command). Each `@ts-expect-error` must meet an error, or tsc fails.
 */
import { defineConfig } from "palhm";

const core = defineConfig({
  execs: { tar: { argv: ["tar", "-cf", "-"], ec: "<2" }, zstd: { argv: ["zstd", "-T0"] } },
});

// Valid: execs from this config and from an included one, groups, routines, hooks, functions.
export const valid = defineConfig({
  include: [core],
  workers: 0,
  execs: { xz: { argv: ["xz"] } },
  tasks: {
    backup: {
      type: "backup",
      backend: { type: "localfs", root: "/var/backup", nbCopyLimit: 7, rootSizeLimit: "inf" },
      objectGroups: [{ id: "http" }, { id: "sql", depends: ["http"] }],
      objects: [
        { path: "etc.tar.zst", pipeline: [{ exec: "tar", argv: ["/etc"] }, "zstd"], group: "http" },
        { path: "db.sql.xz", pipeline: [{ argv: ["mysqldump", "--all-databases"] }, "xz"], group: "sql", restore: ["xz", { argv: ["mysql"] }] },
        { path: "lsblk.json", pipeline: [{ argv: ["lsblk", "-JbOa"] }] },
      ],
      hooks: { backup: { pre: async (ctx) => ctx.log.info(ctx.taskId), finally: [{ name: "restart", run: async () => {}, timeout: 30 }] } },
    },
    s3: { type: "backup", backend: { type: "aws-s3", bucket: "b", root: "host", rotStorageClass: "GLACIER" }, objects: [] },
    default: {
      type: "routine",
      steps: [{ builtin: "sigmask", param: [{ action: "block", sig: ["TERM", 15] }] }, { task: "backup" }, "tar", async (ctx) => ctx.log.info("done")],
    },
  },
  bootReport: { mua: "stdout", mailTo: ["root"], delay: 5 },
});

export const unknownExec = defineConfig({
  include: [core],
  tasks: {
    // @ts-expect-error a pipeline naming an exec no config defines
    b: { type: "backup", backend: { type: "null" }, objects: [{ path: "a", pipeline: ["tar", "zstdd"] }] },
  },
});

export const unknownExecWithoutInclude = defineConfig({
  // the exec "tar" is defined only in `core`, which this config does not include
  // @ts-expect-error
  tasks: { b: { type: "backup", backend: { type: "null" }, objects: [{ path: "a", pipeline: ["tar"] }] } },
});

export const unknownDependency = defineConfig({
  tasks: {
    b: {
      type: "backup",
      backend: { type: "null" },
      // @ts-expect-error a group depending on an unknown group
      objectGroups: [{ id: "sql" }, { id: "ldap", depends: ["sqll"] }],
      objects: [],
    },
  },
});

export const unknownGroup = defineConfig({
  execs: { cat: { argv: ["cat"] } },
  tasks: {
    // @ts-expect-error an object in an unknown group
    b: { type: "backup", backend: { type: "null" }, objectGroups: [{ id: "sql" }], objects: [{ path: "a", pipeline: ["cat"], group: "sqll" }] },
  },
});

export const misspeltKey = defineConfig({
  // @ts-expect-error a misspelt key
  worker: 2,
});

export const wrongBackendParam = defineConfig({
  tasks: {
    // @ts-expect-error a parameter of another backend
    b: { type: "backup", backend: { type: "localfs", root: "/x", bucket: "b" }, objects: [] },
  },
});

export const unknownTask = defineConfig({
  tasks: {
    backup: { type: "backup", backend: { type: "null" }, objects: [] },
    // @ts-expect-error a routine step naming an unknown task
    default: { type: "routine", steps: [{ task: "backupp" }] },
  },
});

export const misspeltStorageClass = defineConfig({
  tasks: {
    // @ts-expect-error a storage class S3 does not have
    b: { type: "backup", backend: { type: "aws-s3", bucket: "b", root: "r", sinkStorageClass: "GLACIERR" }, objects: [] },
  },
});
