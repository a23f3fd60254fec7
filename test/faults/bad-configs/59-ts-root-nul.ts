// expect: tasks.backup.backend.root: cannot contain NUL
import { defineConfig } from "palhm";

export default defineConfig({
  tasks: {
    backup: {
      type: "backup",
      backend: { type: "localfs", root: "@ROOT@\0/elsewhere" },
      objects: [{ path: "x", pipeline: [{ argv: ["printf", "x"] }] }],
    },
  },
});
