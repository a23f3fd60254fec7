/**
 * loadConfig(): find the config file, read it (TS/JS module or PALHM
 * JSON/JSONC) with everything it includes, and resolve it. Every problem is
 * a ConfigError (exit 2) naming the file, and the path inside it.
 */
import { existsSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, resolve as resolvePath } from "node:path";
import { ConfigError } from "../errors.ts";
import type { ResolvedConfig } from "./resolved.ts";
import { resolveConfig } from "./resolve.ts";
import { parseJsonc } from "./jsonc.ts";
import { isPalhmJsonFile, translatePalhmJson } from "./palhm-json.ts";
import { palhmJsonPath } from "./palhm-json-path.ts";
import { registerPalhmModule } from "./plugin.ts";
import { sourceOf } from "./source.ts";
import { configThrew } from "./issues.ts";

export interface LoadOptions {
  /** -f/--config FILE */
  file?: string;
  /** Directory for ./palhm.config.ts lookup. @default process.cwd() */
  cwd?: string;
  /** Environment for $PALHM_CONFIG, $PALHM_HOOKS. @default process.env */
  env?: Record<string, string | undefined>;
  /** Maps the config's verbosity to the effective one (CLI -q/-v). */
  verbosity?: (configured: number) => number;
}

/** How long a TS config's top-level code, exported promise or function may take to settle (`$PALHM_CONFIG_TIMEOUT` seconds). */
export const CONFIG_TIMEOUT_S = 60;

function _timeoutMs(env: Record<string, string | undefined>): number {
  const given = env.PALHM_CONFIG_TIMEOUT;
  if (given === undefined || given === "") return CONFIG_TIMEOUT_S * 1000;
  const s = Number(given);
  if (!Number.isFinite(s) || s <= 0) throw new ConfigError(`$PALHM_CONFIG_TIMEOUT: expected a number of seconds > 0, got ${JSON.stringify(given)}`);
  return s * 1000;
}

/**
 * `work`, or a ConfigError naming `file` and `what` did not settle once `ms` have passed. A config's
 * code cannot be cancelled: it is abandoned, and the CLI exits with the error.
 */
async function _settled<T>(work: Promise<T>, ms: number, file: string, what: string): Promise<T> {
  let timer: Timer | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ConfigError(`${what} did not settle within ${ms / 1000}s (a promise that never resolves? the limit is $PALHM_CONFIG_TIMEOUT)`, undefined, file)), ms);
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** What a config function receives: `export default (ctx) => defineConfig({...})`. */
export interface ConfigContext {
  readonly env: Record<string, string | undefined>;
  readonly hostname: string;
}

interface _LoadContext extends ConfigContext {
  readonly timeoutMs: number;
}

export const SYSTEM_CONFIG = "/etc/palhm/palhm.config.ts";
/** Where PALHM reads its config without -f: its README's path, then its program's. Looked at after the TS locations. */
export const PALHM_SYSTEM_CONFIGS = ["/etc/palhm/palhm.conf", "/etc/palhm/palhm.jsonc"] as const;

/** The config file to load: -f, then $PALHM_CONFIG, then ./palhm.config.ts, /etc/palhm/palhm.config.ts, /etc/palhm/palhm.conf, /etc/palhm/palhm.jsonc. */
export function locateConfig(options: LoadOptions = {}): string {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const given = options.file ?? env.PALHM_CONFIG;
  const how = options.file !== undefined ? "-f" : "$PALHM_CONFIG";
  if (given !== undefined && given !== "") {
    const file = resolvePath(cwd, given);
    if (!existsSync(file)) throw new ConfigError(`config file not found (given by ${how})`, undefined, file);
    return file;
  }
  const local = resolvePath(cwd, "palhm.config.ts");
  if (existsSync(local)) return local;
  for (const file of [SYSTEM_CONFIG, ...PALHM_SYSTEM_CONFIGS]) if (existsSync(file)) return file;
  throw new ConfigError(
    `no config file: give one with -f FILE or $PALHM_CONFIG, or create ${local} or ${SYSTEM_CONFIG} (or PALHM's ${PALHM_SYSTEM_CONFIGS.join(" or ")})`,
  );
}

function _withSource(e: unknown, source: string): unknown {
  return e instanceof ConfigError && e.source === undefined ? new ConfigError(e.message, undefined, source) : e;
}

/** A config file that is PALHM JSON (an included TS config object is known as `FILE include[N]`). */
const _isJson = (file: string) => isPalhmJsonFile(file) && !/ include\[\d+\]$/.test(file);

/** A TS/JS module's default export: an object, a promise of one, or a function of the context. */
async function _importModule(file: string, ctx: _LoadContext): Promise<unknown> {
  registerPalhmModule();
  let mod: { default?: unknown };
  try {
    mod = await _settled(import(file), ctx.timeoutMs, file, "its top-level code (an await at the top of the module)");
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw _importError(e, file);
  }
  if (!("default" in mod) || mod.default === undefined) {
    throw new ConfigError("has no default export (export default defineConfig({...}))", undefined, file);
  }
  return _evaluate(mod.default, ctx, file);
}

async function _evaluate(value: unknown, ctx: _LoadContext, where: string): Promise<unknown> {
  const { timeoutMs, ...configCtx } = ctx;
  try {
    if (typeof value === "function") return await _settled(Promise.resolve().then(() => value(configCtx)), timeoutMs, where, "its exported function");
    return await _settled(Promise.resolve(value), timeoutMs, where, "its exported promise");
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`evaluating the config failed: ${configThrew(e)}`, undefined, where);
  }
}

function _importError(e: unknown, file: string): ConfigError {
  const err = e as { message?: string; position?: { line?: number; column?: number; file?: string } | null; errors?: unknown[] };
  const first = (err.errors?.[0] ?? err) as typeof err;
  const pos = first.position;
  const where = pos?.line ? `${pos.file ?? file}:${pos.line}:${pos.column ?? 0}` : file;
  const message = (first.message ?? String(e)).split("\n")[0];
  if (pos?.line) return new ConfigError(`cannot load the config: ${message}`, undefined, where);
  return new ConfigError(`cannot load the config: ${message}`, undefined, file);
}

interface _Unit {
  source: string;
  config: unknown;
}

/** A JSON/JSONC file: its translated config, and its includes resolved against its directory. */
function _readJson(file: string): { config: unknown; includes: { entry: unknown; source: string }[] } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new ConfigError(`cannot read the config: ${(e as Error).message}`, undefined, file);
  }
  let translated: ReturnType<typeof translatePalhmJson>;
  try {
    translated = translatePalhmJson(parseJsonc(text, file));
  } catch (e) {
    throw _withSource(e, file);
  }
  const includes = translated.include.map((p, i) => {
    const f = resolvePath(dirname(file), p);
    if (!existsSync(f)) throw new ConfigError(`included file not found: ${f}`, `include[${i}]`, file);
    return { entry: f as unknown, source: f };
  });
  return { config: translated.config, includes };
}

/** A TS/JS config (a file, or an included config object): its value, and its includes. */
async function _readModule(entry: unknown, source: string, ctx: _LoadContext) {
  const config = typeof entry === "string" ? await _importModule(entry, ctx) : await _evaluate(entry, ctx, source);
  let inc: unknown;
  try {
    inc = (config as { include?: unknown } | null)?.include;
  } catch (e) {
    throw new ConfigError(`reading the config failed: ${configThrew(e)}`, "include", source);
  }
  if (inc !== undefined && !Array.isArray(inc)) throw new ConfigError("expected a list of configs", "include", source);
  const includes = ((inc as unknown[] | undefined) ?? []).map((c, i) => {
    if (typeof c === "string") {
      const f = resolvePath(dirname(source), c);
      return { entry: f as unknown, source: f };
    }
    const named = c !== null && typeof c === "object" ? sourceOf(c) : undefined;
    return { entry: c, source: named && named !== source ? named : `${source} include[${i}]` };
  });
  return { config, includes };
}

/**
 * Reads a config and what it includes, depth first, into merge order (a
 * later config's settings override an earlier one's). A TS config comes
 * after the configs it includes, so its own settings win. A PALHM JSON config
 * comes before them, as PALHM merges: "vl", "nb-workers" and the boot report's
 * "subject" of an included file override the including file's, and
 * "mail-to" lists the including file's recipients first.
 * A config is known by its file, or (an included TS config object) by the
 * object itself: one file may define several.
 */
async function _collect(entry: unknown, source: string, ctx: _LoadContext, out: _Unit[], chain: _Link[], done: Set<unknown>) {
  const at = chain.findIndex((l) => l.key === entry);
  if (at >= 0) throw new ConfigError(`include cycle: ${[...chain.slice(at).map((l) => l.source), source].join(" -> ")}`);
  // The same config reached twice along different paths (a diamond) is merged once.
  if (done.has(entry)) return;
  const json = typeof entry === "string" && _isJson(entry);
  const { config, includes } = json ? _readJson(entry) : await _readModule(entry, source, ctx);
  if (json) out.push({ source, config });
  for (const inc of includes) await _collect(inc.entry, inc.source, ctx, out, [...chain, { key: entry, source }], done);
  done.add(entry);
  if (!json) out.push({ source, config });
}

interface _Link {
  readonly key: unknown;
  readonly source: string;
}

/** Loads, validates and resolves the config the options select. */
export async function loadConfig(options: LoadOptions = {}): Promise<ResolvedConfig> {
  const env = options.env ?? process.env;
  const file = locateConfig(options);
  const ctx: _LoadContext = { env, hostname: hostname(), timeoutMs: _timeoutMs(env) };
  const units: _Unit[] = [];
  try {
    await _collect(file, file, ctx, units, [], new Set());
    return { file, ...resolveConfig(units, { env, ...(options.verbosity ? { verbosity: options.verbosity } : {}) }) };
  } catch (e) {
    throw _asWritten(e);
  }
}

/** A fault in a PALHM JSON file, located by the keys its user wrote (`backend-param.nb-copy-limit`). */
function _asWritten(e: unknown): unknown {
  if (!(e instanceof ConfigError) || !e.path || !e.source || !_isJson(e.source)) return e;
  const detail = e.message.slice(`${e.source}: ${e.path}: `.length);
  const path = palhmJsonPath(e.path);
  return path === e.path ? e : new ConfigError(detail, path, e.source);
}
