import { defineCommand } from "citty";
import type { ResolvedConfig } from "../config/resolved.ts";
import { loadResolvedConfig, globals } from "./_context.ts";
import { backendDescriptors, descriptorOf } from "../backends/registry.ts";

const BUILT_IN = {
  muas: {
    stdout: "prints the boot report (for testing)",
    mailx: "sends it with the mailx program",
    "aws-sns": "publishes it to SNS topics",
  },
  builtins: {
    sigmask: "blocks or unblocks signals for the rest of the run",
  },
};

/** Every registered backend type but the one that stands for the config's own (shown by name below). */
function _builtInBackends(): Record<string, string> {
  return Object.fromEntries(backendDescriptors().map((d) => [d.type, d.summary]));
}

/** Custom backends and MUAs the config defines inline (a backend wherever a task stores copies: fan-out destinations and replicate targets too). */
function _custom(config: ResolvedConfig) {
  const backends: Record<string, string> = {};
  for (const t of config.tasks.values()) {
    const params = t.type === "backup" ? (t.backends ?? [t.backend]) : t.type === "replicate" ? [t.to] : [];
    for (const param of params) {
      const name = descriptorOf(param).definedAs?.(param);
      if (name !== undefined) backends[name] ??= `custom, used by task "${t.id}"`;
    }
  }
  const muas: Record<string, string> = {};
  if (config.bootReport?.mua.type === "custom") muas[config.bootReport.mua.impl.type] = "custom, the boot report's MUA";
  return { backends, muas };
}

async function _configIfAny(): Promise<ResolvedConfig | undefined> {
  const { locateConfig } = await import("../config/load.ts");
  try {
    locateConfig({ file: globals.configFile });
  } catch (e) {
    // No config anywhere is fine for listing what palhm offers; a named file that is missing is not.
    if (globals.configFile !== undefined || process.env.PALHM_CONFIG) throw e;
    return undefined;
  }
  return loadResolvedConfig();
}

export default defineCommand({
  meta: { name: "mods", description: "List the backends, MUAs and builtins available (with the config's custom ones, if a config is found)" },
  args: {
    json: { type: "boolean", description: "Print JSON" },
  },
  async run({ args }) {
    const config = await _configIfAny();
    const custom = config ? _custom(config) : { backends: {}, muas: {} };
    const mods = {
      backends: { ..._builtInBackends(), ...custom.backends },
      muas: { ...BUILT_IN.muas, ...custom.muas },
      builtins: BUILT_IN.builtins,
    };
    if (args.json) {
      process.stdout.write(JSON.stringify(mods, null, 2) + "\n");
      return 0;
    }
    const lines: string[] = [];
    for (const [kind, entries] of Object.entries(mods)) {
      lines.push(`${kind}:`);
      const width = Math.max(...Object.keys(entries).map((k) => k.length));
      for (const [name, what] of Object.entries(entries)) lines.push(`  ${name.padEnd(width)}  ${what}`);
    }
    process.stdout.write(lines.join("\n") + "\n");
    return 0;
  },
});
