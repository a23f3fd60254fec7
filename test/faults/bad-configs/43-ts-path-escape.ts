// expect: tasks.backup.objects[0].path: an object path cannot have "." or ".." segments: "db/../../../etc/passwd"
import { defineConfig } from "palhm";

export default defineConfig({
  tasks: {
    backup: {
      type: "backup",
      backend: { type: "localfs", root: "@ROOT@" },
      objects: [{ path: "db/../../../etc/passwd", pipeline: [{ argv: ["printf", "x"] }] }],
    },
  },
});
