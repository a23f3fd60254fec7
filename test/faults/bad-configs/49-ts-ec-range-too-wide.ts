// expect: tasks.backup.objects[0].pipeline[0].ec: exit code 300 out of 0..255 in "0-300"
import { defineConfig } from "palhm";

export default defineConfig({
  tasks: {
    backup: {
      type: "backup",
      backend: { type: "localfs", root: "@ROOT@" },
      objects: [{ path: "x", pipeline: [{ argv: ["printf", "x"], ec: "0-300" }] }],
    },
  },
});
