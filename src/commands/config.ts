import { defineCommand } from "citty";
import { loadResolvedConfig } from "./_context.ts";

export default defineCommand({
  meta: {
    name: "config",
    description: "Load and validate the config, and print it resolved (defaults applied, includes merged, secrets masked)",
  },
  args: {
    json: { type: "boolean", description: "Print JSON instead of YAML" },
  },
  async run({ args }) {
    const config = await loadResolvedConfig();
    const { displayConfig } = await import("../config/display.ts");
    const data = displayConfig(config);
    process.stdout.write(args.json ? JSON.stringify(data, null, 2) + "\n" : Bun.YAML.stringify(data, null, 2) + "\n");
    return 0;
  },
});
