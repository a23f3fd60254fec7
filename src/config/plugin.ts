/**
 * Makes `import { defineConfig } from "palhm"` work in a config anywhere on
 * disk (no node_modules next to it), and inside a compiled palhm binary: the
 * module "palhm" is served from memory, with src/index.ts's exports.
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
    },
  });
}
