/**
 * Logging through consola, with PALHM's verbosity levels:
 *   0 critical, 1 error, 2 warning, 3 info (default), 4+ debug.
 * Everything goes to stderr, so stdout stays for command output (--json, config, migrate).
 *
 * On a terminal: consola's fancy form (icons, colours). Anywhere else (cron
 * mail, the journal, a log file): plain `[warn] ...` lines, written by a
 * reporter of our own on consola's core, so a start-up that logs to no
 * terminal never loads consola's reporters, `node:tty` or Node's streams.
 */
import { writeSync } from "node:fs";
import { createConsola, type ConsolaInstance, type ConsolaOptions, type ConsolaReporter, type LogObject } from "consola/core";
import { isTerminal } from "./ui/tty.ts";

export type Logger = ConsolaInstance;

/** consola level for a PALHM verbosity. consola: 0 fatal/error, 1 warn, 3 info, 4 debug, 5 trace. */
export function consolaLevel(vl: number): number {
  if (vl <= 1) return 0;
  if (vl === 2) return 1;
  if (vl === 3) return 3;
  return Math.min(5, vl);
}

let current = 3;

/** consola's basic reporter's line (`[type] message`, an error's stack indented below it), written to fd 2. */
export const plainReporter: ConsolaReporter = {
  log(logObj: LogObject) {
    const message = logObj.args.map(_format).join(" ");
    const line = [logObj.type && `[${logObj.type}]`, logObj.tag && `[${logObj.tag}]`, message].filter(Boolean).join(" ");
    _writeAll(2, line + "\n");
  },
};

function _format(arg: unknown): string {
  if (typeof arg === "string") return arg;
  if (arg instanceof Error) {
    const stack = (arg.stack ?? "").split("\n").slice(arg.message.split("\n").length).map((l) => `  ${l.trim()}`);
    return [arg.message, ...stack].join("\n");
  }
  const { inspect } = require("node:util") as typeof import("node:util");
  return inspect(arg);
}

function _writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  for (let off = 0; off < bytes.length; ) {
    try {
      off += writeSync(fd, bytes, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN") return;
    }
  }
}

function _create(): Logger {
  const level = consolaLevel(current);
  if (isTerminal(2)) {
    const fancy = require("consola") as { createConsola(options: Partial<ConsolaOptions> & { fancy?: boolean }): Logger };
    return fancy.createConsola({ level, stdout: process.stderr, stderr: process.stderr, formatOptions: { date: false }, fancy: true });
  }
  return createConsola({ level, reporters: [plainReporter], formatOptions: { date: false } });
}

export const log: Logger = _create();

/** Set the process-wide verbosity (config `verbosity`, then CLI -q/-v). */
export function setVerbosity(vl: number): void {
  current = vl;
  log.level = consolaLevel(vl);
}

export function getVerbosity(): number {
  return current;
}
