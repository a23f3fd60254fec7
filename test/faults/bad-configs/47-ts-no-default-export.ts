// expect: has no default export
import { defineConfig } from "palhm";

export const config = defineConfig({
  tasks: {
    backup: {
      type: "backup",
      backend: { type: "localfs", root: "@ROOT@" },
      objects: [{ path: "x", pipeline: [{ argv: ["printf", "x"] }] }],
    },
  },
});
