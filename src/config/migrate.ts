/**
 * `palhm migrate`: a PALHM JSON/JSONC config (and the JSON files it
 * includes) written as one `palhm.config.ts`. Each included file becomes a
 * `defineConfig` constant listed in `include`, so the structure survives and
 * the types see every exec and task id. PALHM's include order is kept
 * (migrate-order.ts) and secrets are kept out of the text (migrate-secrets.ts).
 */
import { readFileSync } from "node:fs";
import { basename, dirname, resolve as resolvePath } from "node:path";
import { ConfigError } from "../errors.ts";
import { parseJsonc } from "./jsonc.ts";
import { isPalhmJsonFile, translatePalhmJson } from "./palhm-json.ts";
import { keepPalhmOrder } from "./migrate-order.ts";
import { secretExpressions, secretHelper, secretImports, takeSecrets, type MovedSecret } from "./migrate-secrets.ts";

interface _File {
  readonly source: string;
  readonly name: string;
  readonly config: unknown;
  readonly includes: readonly string[];
  /** A TS/JS config, imported rather than translated. */
  readonly module?: boolean;
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

/** A value as a TypeScript literal, indented. Short lists of scalars stay on one line. */
export function tsLiteral(value: unknown, indent = ""): string {
  const inner = indent + "  ";
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const flat = value.every((v) => v === null || typeof v !== "object");
    const one = `[${value.map((v) => tsLiteral(v)).join(", ")}]`;
    if (flat && one.length + indent.length < 100) return one;
    return `[\n${value.map((v) => inner + tsLiteral(v, inner)).join(",\n")},\n${indent}]`;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    if (entries.length === 0) return "{}";
    const key = (k: string) => (IDENT.test(k) ? k : JSON.stringify(k));
    const flat = entries.every(([, v]) => v === null || typeof v !== "object" || (Array.isArray(v) && v.every((x) => x === null || typeof x !== "object")));
    const one = `{ ${entries.map(([k, v]) => `${key(k)}: ${tsLiteral(v)}`).join(", ")} }`;
    if (flat && one.length + indent.length < 90) return one;
    return `{\n${entries.map(([k, v]) => `${inner}${key(k)}: ${tsLiteral(v, inner)}`).join(",\n")},\n${indent}}`;
  }
  return JSON.stringify(value) ?? "undefined";
}

function _constName(file: string, taken: Set<string>): string {
  const base = basename(file).replace(/\.[^.]*$/, "").replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? "").toUpperCase());
  let name = /^[A-Za-z_]/.test(base) ? base : `config${base}`;
  if (name === "defineConfig" || name === "config") name = `${name}Included`;
  let n = name;
  for (let i = 2; taken.has(n); i++) n = `${name}${i}`;
  taken.add(n);
  return n;
}

function _read(file: string, chain: string[], out: _File[], taken: Set<string>): void {
  if (chain.includes(file)) throw new ConfigError(`include cycle: ${[...chain, file].join(" -> ")}`);
  if (out.some((f) => f.source === file)) return;
  if (!isPalhmJsonFile(file)) {
    out.push({ source: file, name: _constName(file, taken), config: undefined, includes: [], module: true });
    return;
  }
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new ConfigError(`cannot read the config: ${(e as Error).message}`, undefined, file);
  }
  const { config, include } = translatePalhmJson(parseJsonc(text, file));
  const includes = include.map((p) => resolvePath(dirname(file), p));
  for (const inc of includes) _read(inc, [...chain, file], out, taken);
  out.push({ source: file, name: chain.length === 0 ? "config" : _constName(file, taken), config, includes });
}

export interface Migration {
  /** The palhm.config.ts text. */
  readonly ts: string;
  /** The secrets taken out of it, by the environment variable that now holds each. */
  readonly secrets: readonly MovedSecret[];
}

/**
 * The `palhm.config.ts` equivalent to the PALHM JSON config `file`, with its
 * secrets read from the environment (`envFile`: loaded from that env file).
 */
export function migratePalhmJson(file: string, options: { envFile?: string } = {}): Migration {
  const read: _File[] = [];
  _read(resolvePath(file), [], read, new Set(["config", "defineConfig"]));
  keepPalhmOrder(resolvePath(file), read);
  const taken = takeSecrets(read.map((f) => f.config));
  const files = read.map((f, i) => ({ ...f, config: taken.configs[i] }));
  const byPath = new Map(files.map((f) => [f.source, f]));
  const lines = [
    `// Migrated by \`palhm migrate\` from the PALHM config ${resolvePath(file)}.`,
    ...(taken.secrets.length ? secretImports(options.envFile) : []),
    `import { defineConfig } from "palhm";`,
  ];
  for (const f of files) if (f.module) lines.push(`import ${f.name} from ${JSON.stringify(f.source)};`);
  if (taken.secrets.length) lines.push("", ...secretHelper(options.envFile));
  for (const f of files) {
    if (f.module) continue;
    const body = { ...(f.includes.length ? { include: "\0" } : {}), ...(f.config as object) };
    let literal = tsLiteral(body);
    if (f.includes.length) {
      literal = literal.replace('"\\u0000"', `[${f.includes.map((p) => byPath.get(p)!.name).join(", ")}]`);
    }
    lines.push("", `/** From ${f.source} */`);
    lines.push(f.name === "config" ? `export default defineConfig(${literal});` : `const ${f.name} = defineConfig(${literal});`);
  }
  return { ts: secretExpressions(lines.join("\n") + "\n"), secrets: taken.secrets };
}
