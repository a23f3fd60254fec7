/**
 * Keeping secrets out of a migrated `palhm.config.ts`. A PALHM JSON config
 * often holds them in clear: `"env": { "MYSQL_PWD": "..." }`,
 * `"--password=..."` in an argv, `smtp-auth-password=...` in the mailx
 * options. `palhm migrate` replaces each with `secret("NAME")`, a read of
 * palhm's environment that fails loading (exit 2) when the variable is not
 * set, and lists the values by name, for an env file or the service's
 * environment.
 */
import { writeFileSync } from "node:fs";
import { UsageError } from "../errors.ts";
import { isSecretName } from "../secrets.ts";

type Obj = Record<string, unknown>;

/** Where a secret was, and the environment variable that now holds it. */
export interface MovedSecret {
  readonly name: string;
  readonly value: string;
}

const _MARK = "\u0000secret:";
const _END = "\u0000";

const _isObj = (x: unknown): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);

/** Collects secrets under unique variable names: one name per distinct value. */
class _Names {
  readonly moved: MovedSecret[] = [];

  mark(wanted: string, value: string): string {
    const base = wanted.toUpperCase().replace(/[^A-Z0-9_]+/g, "_").replace(/^(\d)/, "_$1");
    let name = base;
    for (let i = 2; ; i++) {
      const taken = this.moved.find((m) => m.name === name);
      if (!taken) break;
      if (taken.value === value) return _MARK + name + _END;
      name = `${base}_${i}`;
    }
    this.moved.push({ name, value });
    return _MARK + name + _END;
  }
}

function _argv(argv: unknown[], names: _Names): unknown[] {
  const out = [...argv];
  const program = typeof out[0] === "string" ? out[0] : "";
  for (let i = 0; i < out.length; i++) {
    const a = out[i];
    if (typeof a !== "string") continue;
    const long = /^(--?([\w-]+))=(.+)$/.exec(a);
    if (long && isSecretName(long[2]!)) out[i] = `${long[1]}=${names.mark(`PALHM_${long[2]}`, long[3]!)}`;
    else if (/^-p.+/.test(a) && i > 0 && /mysql|mariadb/.test(program)) out[i] = `-p${names.mark("PALHM_MYSQL_PASSWORD", a.slice(2))}`;
    else if (/^--[\w-]+$/.test(a) && isSecretName(a) && typeof out[i + 1] === "string" && !(out[i + 1] as string).startsWith("-")) {
      out[i + 1] = names.mark(`PALHM_${a.slice(2)}`, out[i + 1] as string);
      i++;
    }
  }
  return out;
}

function _walk(x: unknown, names: _Names): unknown {
  if (Array.isArray(x)) return x.map((e) => _walk(e, names));
  if (!_isObj(x)) return x;
  const out: Obj = {};
  for (const [k, v] of Object.entries(x)) {
    if (k === "env" && _isObj(v)) {
      out[k] = Object.fromEntries(Object.entries(v).map(([n, s]) => [n, isSecretName(n) && typeof s === "string" ? names.mark(n, s) : s]));
    } else if (k === "argv" && Array.isArray(v)) {
      out[k] = _argv(v, names);
    } else if (k === "intOpts" && Array.isArray(v)) {
      // mailx options: `smtp-auth-password=...`
      out[k] = v.map((o) => {
        const m = typeof o === "string" ? /^([\w-]+(?:@[^=]*)?)=(.+)$/.exec(o) : null;
        return m && isSecretName(m[1]!) ? `${m[1]}=${names.mark(`PALHM_MAILX_${m[1]!.split("@")[0]}`, m[2]!)}` : o;
      });
    } else out[k] = _walk(v, names);
  }
  return out;
}

/** Replaces the secrets in translated configs by marks; returns the configs and the secrets, by name. */
export function takeSecrets<T>(configs: readonly T[]): { configs: T[]; secrets: MovedSecret[] } {
  const names = new _Names();
  return { configs: configs.map((c) => _walk(c, names) as T), secrets: names.moved };
}

/** A JSON string (as JSON.stringify wrote it) holding marks → a TS expression reading the secrets. */
function _expression(quoted: string): string {
  const raw = JSON.parse(quoted) as string;
  const parts = raw.split(/\u0000secret:([A-Z0-9_]+)\u0000/);
  if (parts.length === 3 && parts[0] === "" && parts[2] === "") return `secret(${JSON.stringify(parts[1])})`;
  const text = (s: string) => s.replace(/[\\`]|\$\{/g, (c) => `\\${c}`);
  return "`" + parts.map((p, i) => (i % 2 ? `\${secret(${JSON.stringify(p)})}` : text(p))).join("") + "`";
}

/** Rewrites every string literal of `ts` that holds a mark. */
export function secretExpressions(ts: string): string {
  return ts.replace(/"(?:[^"\\]|\\.)*\\u0000secret:(?:[^"\\]|\\.)*"/g, _expression);
}

/** The helper the migrated config reads its secrets with, and where they are expected to come from. */
export function secretHelper(envFile: string | undefined): string[] {
  const where = envFile
    ? [
        `// Secrets are kept out of this file: they are read from ${envFile} (owner-only; written by migrate),`,
        "// or from palhm's environment. Each goes only to the programs given it below.",
        `const secrets: Record<string, string | undefined> = parseEnv(readFileSync(${JSON.stringify(envFile)}, "utf8"));`,
      ]
    : [
        "// Secrets are kept out of this file: set them in palhm's environment (e.g. EnvironmentFile= in its",
        "// systemd unit). Each is taken out of that environment once read, so it goes only to the programs given it below.",
        "const secrets: Record<string, string | undefined> = {};",
      ];
  return [
    ...where,
    "function secret(name: string): string {",
    "  const value = (secrets[name] ??= process.env[name]);",
    "  if (value === undefined) throw new Error(`the secret ${name} is not set in the environment`);",
    "  delete process.env[name];",
    "  return value;",
    "}",
  ];
}

/** The imports the helper needs. */
export function secretImports(envFile: string | undefined): string[] {
  return envFile ? [`import { readFileSync } from "node:fs";`, `import { parseEnv } from "node:util";`] : [];
}

/** A value as an env file (`process.loadEnvFile`) reads it back unchanged, or null if no quoting can carry it. */
function _quote(v: string): string | null {
  if (/^[\w@%+:,./-]*$/.test(v)) return v;
  if (v.includes("\n")) return null;
  for (const q of ["'", "`"]) if (!v.includes(q)) return q + v + q;
  return !v.includes('"') && !v.includes("\\") ? `"${v}"` : null;
}

/** `NAME=value` lines for an env file; the secrets no quoting can carry stay for the environment to provide. */
export function envFileText(secrets: readonly MovedSecret[]): { text: string; left: string[] } {
  const lines: string[] = [];
  const left: string[] = [];
  for (const s of secrets) {
    const q = _quote(s.value);
    if (q === null) left.push(s.name);
    else lines.push(`${s.name}=${q}\n`);
  }
  return { text: lines.join(""), left };
}

/** Writes the secrets to a new env file, readable by its owner only; returns the names it could not hold. */
export function writeEnvFile(file: string, secrets: readonly MovedSecret[]): string[] {
  const { text, left } = envFileText(secrets);
  try {
    writeFileSync(file, text, { mode: 0o600, flag: "wx" });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === "EEXIST" ? `${file} exists: migrate writes a new env file, never over one` : `cannot write ${file}: ${(e as Error).message}`);
  }
  return left;
}
