/**
 * State shared by every command: the global options (-q, -v, -f) and the
 * loading of the config they select.
 */
import { UsageError } from "../errors.ts";
import type { ResolvedConfig } from "../config/resolved.ts";
import { setVerbosity } from "../log.ts";

export interface GlobalOptions {
  /** -f/--config FILE */
  configFile?: string;
  /** -q given */
  quiet: boolean;
  /** number of -v */
  verbose: number;
  /** Exit the process as soon as the command is done (set by cli.ts). */
  exitWhenDone: boolean;
}

export const globals: GlobalOptions = { quiet: false, verbose: 0, exitWhenDone: true };

/** Short options bundled as getopt("qvf:") takes them, as PALHM crontabs have them: `-qf palhm.conf`, `-vvf FILE`, `-fFILE`, `-qv`. */
const _BUNDLE = /^-[qv]*f|^-[qv]{2,}$/;

/** Applies one bundle of short options at `argv[i]`; returns the index of the last argument it used. */
function _bundle(a: string, argv: string[], i: number): number {
  for (let k = 1; k < a.length; k++) {
    const c = a[k];
    if (c === "q") globals.quiet = true;
    else if (c === "v") globals.verbose += 1;
    else {
      // "f": the rest of the word is the FILE, else the next argument.
      const inline = a.slice(k + 1);
      const file = inline !== "" ? inline : argv[++i];
      if (file === undefined) throw new UsageError(`${a} needs a FILE`);
      globals.configFile = file;
      break;
    }
  }
  return i;
}

/** Takes -q, -v (repeatable, also -vv), -f FILE, bundles (-qf FILE), --config FILE, --config=FILE, --quiet, --verbose out of argv. */
export function parseGlobals(argv: string[]): string[] {
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    if (a === "-q" || a === "--quiet") globals.quiet = true;
    else if (/^-v+$/.test(a)) globals.verbose += a.length - 1;
    else if (a === "--verbose") globals.verbose += 1;
    else if (a === "-f" || a === "--config") {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a FILE`);
      globals.configFile = v;
    } else if (a.startsWith("--config=")) globals.configFile = a.slice("--config=".length);
    else if (_BUNDLE.test(a)) i = _bundle(a, argv, i);
    else rest.push(a);
  }
  if (globals.quiet && globals.verbose) throw new UsageError("-q and -v cannot be used together");
  return rest;
}

/** The verbosity the CLI imposes over the config's: -q = 1 (errors only), -v = config + n. */
export function effectiveVerbosity(configured: number): number {
  if (globals.quiet) return 1;
  return configured + globals.verbose;
}

/** Loads and validates the config the global options select, and applies its verbosity. */
export async function loadResolvedConfig(): Promise<ResolvedConfig> {
  const { loadConfig } = await import("../config/load.ts");
  const config = await loadConfig({
    file: globals.configFile,
    verbosity: (vl: number) => effectiveVerbosity(vl),
  });
  setVerbosity(config.verbosity);
  return config;
}
