// expect: workers: expected a whole number, got Infinity
import { defineConfig } from "palhm";

export default defineConfig({
  workers: 1e309,
  tasks: {
    backup: {
      type: "backup",
      backend: { type: "localfs", root: "@ROOT@" },
      objects: [{ path: "x", pipeline: [{ argv: ["printf", "x"] }] }],
    },
  },
});
