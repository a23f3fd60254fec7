import { defineCommand } from "citty";
import { resolve } from "node:path";

export default defineCommand({
  meta: {
    name: "migrate",
    description:
      "Print a PALHM JSON/JSONC config (with the files it includes) as an equivalent palhm.config.ts; secrets in it are read from the environment instead (--env-file FILE: written there, mode 600)",
  },
  args: {
    file: { type: "positional", required: true, description: "The PALHM config (palhm.conf, .json or .jsonc)" },
    envFile: { type: "string", description: "Write the config's secrets to this new env file (mode 600) and have the config load it" },
  },
  async run({ args }) {
    const file = resolve(args.file as string);
    // Validate first, with the same errors as loading it: a migration of a broken config would only move the problem.
    const { loadConfig } = await import("../config/load.ts");
    await loadConfig({ file, env: {} });
    const { migratePalhmJson } = await import("../config/migrate.ts");
    const envFile = args.envFile ? resolve(args.envFile) : undefined;
    const { ts, secrets } = migratePalhmJson(file, { envFile });
    let left = secrets.map((s) => s.name);
    if (envFile && secrets.length) {
      const { writeEnvFile } = await import("../config/migrate-secrets.ts");
      left = writeEnvFile(envFile, secrets);
    }
    process.stdout.write(ts);
    if (left.length) {
      process.stderr.write(
        `palhm migrate: the config reads ${left.length === 1 ? "this secret" : "these secrets"} from palhm's environment; set ${left.join(", ")} there` +
          (envFile ? " (values an env file cannot hold)\n" : ", or rerun with --env-file FILE\n"),
      );
    }
    return 0;
  },
});
