// expect: 58-ts-throwing-getter.ts: reading the config failed: the vault is sealed
import { defineConfig } from "palhm";

const base = defineConfig({ workers: 1 });

// A config whose `tasks` is computed on access, by code that throws.
export default Object.defineProperty(base, "tasks", {
  enumerable: true,
  get() {
    throw new Error("the vault is sealed");
  },
});
