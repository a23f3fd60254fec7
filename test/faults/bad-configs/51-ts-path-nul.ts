// expect: tasks.backup.objects[0].path: an object path cannot contain NUL
import { defineConfig } from "palhm";

export default defineConfig({
  tasks: {
    backup: {
      type: "backup",
      backend: { type: "localfs", root: "@ROOT@" },
      objects: [{ path: "db.sql\0.evil", pipeline: [{ argv: ["printf", "x"] }] }],
    },
  },
});
