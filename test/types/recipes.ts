/**
 * Type tests for palhm/recipes inside defineConfig, checked by `tsc --noEmit -p .`.
 * Each `@ts-expect-error` must meet an error, or tsc fails.
 */
import { defineConfig } from "palhm";
import { age, files, mysql, postgres, sqlite, zstd } from "palhm/recipes";

const enc = [zstd(), age({ recipientsFile: "/etc/palhm/age.pub" })];

// Valid: recipe objects spread next to hand-written ones, in the task's groups.
export const valid = defineConfig({
  execs: { cat: { argv: ["cat"] } },
  tasks: {
    backup: {
      type: "backup",
      backend: { type: "null" },
      objectGroups: [{ id: "db" }, { id: "files", depends: ["db"] }],
      objects: [
        ...mysql({ databases: ["site"], socket: "/run/mysqld/mysqld.sock", group: "db", through: enc }),
        ...postgres({ databases: "all", format: "plain", group: "db" }),
        sqlite({ database: "/var/lib/app.db" }),
        files({ path: "srv.tar", paths: ["/srv"], group: "files", through: enc }),
        { path: "os-release", pipeline: ["cat"] },
      ],
    },
  },
});

export const unknownGroup = defineConfig({
  tasks: {
    backup: {
      type: "backup",
      backend: { type: "null" },
      objectGroups: [{ id: "db" }],
      // @ts-expect-error a recipe's group must be one of the task's groups
      objects: [...mysql({ databases: ["site"], group: "dbs" })],
    },
  },
});

// @ts-expect-error databases is required
mysql({ socket: "/run/mysqld/mysqld.sock" });
// @ts-expect-error format is "custom" or "plain"
postgres({ databases: ["a"], format: "tar" });
// @ts-expect-error a misspelt option
files({ path: "a.tar", paths: ["/srv"], oneFilesystem: true });
