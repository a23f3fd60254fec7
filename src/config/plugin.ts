/**
 * Makes `import { defineConfig } from "palhm"` (and `from "palhm/recipes"`)
 * work in a config anywhere on disk (no node_modules next to it), and inside a
 * compiled palhm binary: the modules are served from memory, with
 * src/index.ts's and src/recipes/index.ts's exports (the recipes loaded only
 * when a config imports them).
 */
import * as api from "../index.ts";

let _registered = false;

export function registerPalhmModule(): void {
  if (_registered) return;
  _registered = true;
  Bun.plugin({
    name: "palhm-config",
    setup(build) {
      build.module("palhm", () => ({ exports: { ...api }, loader: "object" }));
      build.module("palhm/recipes", async () => ({ exports: { ...(await import("../recipes/index.ts")) }, loader: "object" }));
    },
  });
}
