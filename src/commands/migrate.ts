import { defineCommand } from "citty";
import { resolve } from "node:path";

export default defineCommand({
  meta: {
    name: "migrate",
    description: "Print a PALHM JSON/JSONC config (with the files it includes) as an equivalent palhm.config.ts",
  },
  args: {
    file: { type: "positional", required: true, description: "The PALHM config (.json or .jsonc)" },
  },
  async run({ args }) {
    const file = resolve(args.file as string);
    // Validate first, with the same errors as loading it: a migration of a broken config would only move the problem.
    const { loadConfig } = await import("../config/load.ts");
    await loadConfig({ file, env: {} });
    const { migratePalhmJson } = await import("../config/migrate.ts");
    process.stdout.write(migratePalhmJson(file));
    return 0;
  },
});
