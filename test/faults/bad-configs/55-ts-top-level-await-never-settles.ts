// expect: 55-ts-top-level-await-never-settles.ts: its top-level code (an await at the top of the module) did not settle within 1s
// env: PALHM_CONFIG_TIMEOUT=1
import { defineConfig } from "palhm";

// A secret fetched at load time from a server that never answers.
const host = await new Promise<string>(() => {});

export default defineConfig({
  tasks: {
    backup: {
      type: "backup",
      backend: { type: "localfs", root: "@ROOT@" },
      objects: [{ path: "db.sql", pipeline: [{ argv: ["mysqldump", "-h", host] }] }],
    },
  },
});
