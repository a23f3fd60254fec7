#!/usr/bin/env bun
/**
 * palhm's command line: `palhm [-q | -v...] [-f FILE] COMMAND [ARGS]`.
 * Global options are taken out first (anywhere on the line); the command
 * module is then loaded lazily, so start-up pays only for what runs.
 */
import { runCommand, type ArgsDef, type CommandDef } from "citty";
import { commands, loadCommand, main } from "./commands/_registry.ts";
import { globals, parseGlobals } from "./commands/_context.ts";
import { usage } from "./commands/_usage.ts";
import { ExecError, PalhmError, UsageError } from "./errors.ts";
import { basename } from "node:path";
import { formatStderrTail } from "./exec/stderr.ts";
import { claimProcessTree } from "./run/reap.ts";
import { VERSION } from "./version.ts";

export { main };

function _flagNames(args: ArgsDef): Set<string> {
  const names = new Set(["help", "h"]);
  for (const [name, def] of Object.entries(args)) {
    if (def.type === "positional") continue;
    names.add(name);
    names.add(name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
    for (const a of ["alias" in def ? (def.alias ?? []) : []].flat()) names.add(a);
  }
  return names;
}

/** citty ignores unknown options; palhm refuses them (exit 2), as a sysadmin would expect. */
async function _checkFlags(name: string, cmd: CommandDef<any>, rawArgs: string[]): Promise<void> {
  const args = (typeof cmd.args === "function" ? await cmd.args() : await cmd.args) ?? {};
  const known = _flagNames(args as ArgsDef);
  for (const tok of rawArgs) {
    if (tok === "--") break;
    if (!tok.startsWith("-") || tok === "-") continue;
    const flags = tok.startsWith("--")
      ? [tok.slice(2).split("=")[0]!.replace(/^no-/, "")]
      : [...tok.slice(1).split("=")[0]!];
    for (const f of flags) {
      if (!known.has(f)) throw new UsageError(`unknown option "${tok}" for "palhm ${name}"`);
    }
  }
}

export async function cli(argv: string[]): Promise<number> {
  let command: string | undefined;
  try {
    const rest = parseGlobals(argv);
    command = rest[0];
    if (command === "--help" || command === "-h") {
      process.stdout.write((await usage(undefined, process.stdout)) + "\n");
      return 0;
    }
    if (command === "--version" || command === "-V") {
      process.stdout.write(VERSION + "\n");
      return 0;
    }
    if (!command) throw new UsageError("no command given");
    if (!(command in commands)) throw new UsageError(`unknown command "${command}"`);
    const cmd = await loadCommand(command);
    const rawArgs = rest.slice(1);
    if (rawArgs.includes("--help") || rawArgs.includes("-h")) {
      process.stdout.write((await usage(command, process.stdout)) + "\n");
      return 0;
    }
    await _checkFlags(command, cmd, rawArgs);
    const { result } = await runCommand(cmd, { rawArgs });
    return typeof result === "number" ? result : 0;
  } catch (e) {
    return reportError(e, command);
  }
}

/** A failed program's stderr that was held (not shown live), to print with the failure it explains. */
function heldStderr(e: PalhmError): string {
  if (!(e instanceof ExecError) || e.stderrShown) return "";
  return formatStderrTail(basename(e.argv[0] ?? "the program"), e.stderrTail);
}

/** Prints an error as one paragraph on stderr (a stack only for bugs) and returns the exit status. */
export async function reportError(e: unknown, command?: string): Promise<number> {
  if (e instanceof PalhmError) {
    process.stderr.write(`palhm: ${e.message}\n`);
    const held = heldStderr(e);
    if (held) process.stderr.write(held + "\n");
    if (e instanceof UsageError) {
      const known = command && command in commands ? command : undefined;
      process.stderr.write("\n" + (await usage(known, process.stderr).catch(() => "")) + "\n");
      // `palhm status` is a Nagios/Icinga plugin: a check it cannot run as written is UNKNOWN, never CRITICAL.
      if (known === "status") return 3;
    }
    return e.exitCode;
  }
  const err = e as Error;
  // citty's own argument errors (a missing required positional: "EARG", an unknown command: "E_...") are usage errors.
  if (err?.name === "CLIError") return reportError(new UsageError(err.message), command);
  process.stderr.write(`palhm: internal error (a bug; please report it):\n${err?.stack ?? String(e)}\n`);
  return 1;
}

if (import.meta.main) {
  claimProcessTree();
  const status = await cli(process.argv.slice(2));
  process.exitCode = status;
  // Leave no handle (sockets, timers of SDKs) keeping the process alive after the work is done.
  if (globals.exitWhenDone) process.exit(status);
}
