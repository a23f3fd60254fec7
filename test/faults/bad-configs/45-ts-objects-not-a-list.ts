// expect: tasks.backup.objects: expected a list, got an object
import { defineConfig } from "palhm";

export default defineConfig({
  tasks: {
    backup: {
      type: "backup",
      backend: { type: "localfs", root: "@ROOT@" },
      objects: { path: "x", pipeline: [{ argv: ["printf", "x"] }] },
    },
  },
});
