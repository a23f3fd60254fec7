// expect: tasks.backup.objects[0].pipeline[1]: unknown exec "zstdd" (known: cat-x)
import { defineConfig } from "palhm";

export default defineConfig({
  execs: { "cat-x": { argv: ["printf", "x"] } },
  tasks: {
    backup: {
      type: "backup",
      backend: { type: "localfs", root: "@ROOT@" },
      objects: [{ path: "x.zst", pipeline: ["cat-x", "zstdd"] }],
    },
  },
});
