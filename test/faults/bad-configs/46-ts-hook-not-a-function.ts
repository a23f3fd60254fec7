// expect: tasks.backup.hooks.backup.pre
import { defineConfig } from "palhm";

export default defineConfig({
  tasks: {
    backup: {
      type: "backup",
      backend: { type: "localfs", root: "@ROOT@" },
      objects: [{ path: "x", pipeline: [{ argv: ["printf", "x"] }] }],
      hooks: { backup: { pre: "systemctl stop mysqld" } },
    },
  },
});
