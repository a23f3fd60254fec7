// expect: tasks.backup.backend.nbCopyLimit: "-3": a limit cannot be negative
import { defineConfig } from "palhm";

export default defineConfig({
  tasks: {
    backup: {
      type: "backup",
      backend: { type: "localfs", root: "@ROOT@", nbCopyLimit: -3 },
      objects: [{ path: "x", pipeline: [{ argv: ["printf", "x"] }] }],
    },
  },
});
