// expect: tasks.backup.objects[0].pipeline[0].argv[1]: expected a string, got 7
import { defineConfig } from "palhm";

export default defineConfig({
  tasks: {
    backup: {
      type: "backup",
      backend: { type: "localfs", root: "@ROOT@" },
      objects: [{ path: "x", pipeline: [{ argv: ["zstd", 7] }] }],
    },
  },
});
