// expect: tasks.backup.backend: unknown key "nbCopyLimt"
import { defineConfig } from "palhm";

export default defineConfig({
  tasks: {
    backup: {
      type: "backup",
      backend: { type: "localfs", root: "@ROOT@", nbCopyLimt: 3 },
      objects: [{ path: "x", pipeline: [{ argv: ["printf", "x"] }] }],
    },
  },
});
