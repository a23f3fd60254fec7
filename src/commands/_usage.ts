/** Usage text for palhm and its commands, coloured only on a terminal. */
import { renderUsage, type CommandDef } from "citty";
import { commands, loadCommand, main } from "./_registry.ts";

const GLOBALS = `GLOBAL OPTIONS

  -q, --quiet          Errors only (cron mails only failures)
  -v, --verbose        More output; repeatable (-vv); not with -q
  -f, --config FILE    Config file (default: $PALHM_CONFIG, ./palhm.config.ts, /etc/palhm/palhm.config.ts, /etc/palhm/palhm.conf, /etc/palhm/palhm.jsonc)
`;

/** Colour only for a terminal, and never when NO_COLOR is set or TERM is dumb. */
export function wantsColour(stream: { isTTY?: boolean }, env = process.env): boolean {
  return !!stream.isTTY && !env.NO_COLOR && env.TERM !== "dumb";
}

/** citty names options by their camelCase key (`--dryRun`); users type them kebab-case (`--dry-run`). */
async function _kebabArgs(cmd: CommandDef<any>): Promise<CommandDef<any>> {
  const args = (typeof cmd.args === "function" ? await cmd.args() : await cmd.args) ?? {};
  const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return { ...cmd, args: Object.fromEntries(Object.entries(args).map(([k, def]) => [kebab(k), def])) };
}

/** The usage of palhm (no name) or of one command, for `stream`. */
export async function usage(name: string | undefined, stream: { isTTY?: boolean }): Promise<string> {
  const text =
    name && name in commands
      ? await renderUsage(await _kebabArgs((await loadCommand(name)) as CommandDef<any>), main)
      : await renderUsage(main);
  const plain = text
    .split("\n")
    .map((l) => l.trimEnd())
    .join("\n");
  const full = `${plain}\n\n${GLOBALS}`;
  return wantsColour(stream) ? full : Bun.stripANSI(full);
}
