import { defineCommand, type CommandDef } from "citty";
import { VERSION } from "../version.ts";

/** Every command, loaded on demand: one module per command. */
export const commands: Record<string, () => Promise<{ default: CommandDef<any> }>> = {
  run: () => import("./run.ts"),
  config: () => import("./config.ts"),
  check: () => import("./check.ts"),
  list: () => import("./list.ts"),
  restore: () => import("./restore.ts"),
  verify: () => import("./verify.ts"),
  "boot-report": () => import("./boot-report.ts"),
  mods: () => import("./mods.ts"),
  migrate: () => import("./migrate.ts"),
  schema: () => import("./schema.ts"),
  init: () => import("./init.ts"),
  install: () => import("./install.ts"),
  schedule: () => import("./schedule.ts"),
  rotate: () => import("./rotate.ts"),
  status: () => import("./status.ts"),
  help: () => import("./help.ts"),
};

export async function loadCommand(name: string): Promise<CommandDef<any>> {
  const load = commands[name];
  if (!load) throw new Error(`no command ${name}`);
  return (await load()).default;
}

/** The command tree, for usage text and citty. */
export const main = defineCommand({
  meta: {
    name: "palhm",
    version: VERSION,
    description: "Periodic Automatic Live Host Maintenance: backups, rotation, routines, hooks and boot reports",
  },
  subCommands: Object.fromEntries(Object.keys(commands).map((n) => [n, () => loadCommand(n)])),
});
