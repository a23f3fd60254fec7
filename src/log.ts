/**
 * Logging through consola, with PALHM's verbosity levels:
 *   0 critical, 1 error, 2 warning, 3 info (default), 4+ debug.
 * Everything goes to stderr, so stdout stays for command output (--json, config, migrate).
 */
import { createConsola, type ConsolaInstance } from "consola";

export type Logger = ConsolaInstance;

/** consola level for a PALHM verbosity. consola: 0 fatal/error, 1 warn, 3 info, 4 debug, 5 trace. */
export function consolaLevel(vl: number): number {
  if (vl <= 1) return 0;
  if (vl === 2) return 1;
  if (vl === 3) return 3;
  return Math.min(5, vl);
}

let current = 3;

const _options = {
  level: consolaLevel(current),
  stdout: process.stderr,
  stderr: process.stderr,
  formatOptions: { date: false },
  // Icons and boxes on a terminal; plain `[warn] ...` lines for cron mail, the journal and log files.
  fancy: Boolean(process.stderr.isTTY),
};

export const log: Logger = createConsola(_options);

/** Set the process-wide verbosity (config `verbosity`, then CLI -q/-v). */
export function setVerbosity(vl: number): void {
  current = vl;
  log.level = consolaLevel(vl);
}

export function getVerbosity(): number {
  return current;
}
