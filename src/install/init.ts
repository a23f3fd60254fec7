/**
 * `palhm init [DIR]`: a starter palhm.config.ts, and what an editor and
 * `tsc --noEmit` need to check it there without a checkout: a tsconfig.json
 * mapping "palhm" (and "palhm/recipes") to declarations under .palhm/types/,
 * which the binary carries (embed.ts). The user's config and tsconfig.json are
 * never overwritten; .palhm/types/ is palhm's and is rewritten every time.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { TaskError } from "../errors.ts";
import { declarations, shippedFile } from "./embed.ts" with { type: "macro" };

const _STARTER = shippedFile("starter/palhm.config.ts");
const _DECLARATIONS = declarations();

/** Where `palhm init` puts the declarations, relative to DIR. */
export const TYPES_DIR = ".palhm/types";

export interface InitResult {
  /** Files written, relative to DIR. */
  readonly written: readonly string[];
  /** Files left as they were because they exist. */
  readonly kept: readonly string[];
}

/** The tsconfig.json of a config directory: "palhm" resolved to the declarations palhm wrote. */
export function configTsconfig(): string {
  const paths = Object.fromEntries(Object.entries(_DECLARATIONS.modules).map(([name, file]) => [name, [`./${TYPES_DIR}/${file}`]]));
  const tsconfig = {
    compilerOptions: {
      target: "ESNext",
      module: "Preserve",
      moduleResolution: "bundler",
      // DOM for AbortSignal, ReadableStream and fetch, which a config's hooks meet.
      lib: ["ESNext", "DOM"],
      types: [],
      strict: true,
      noEmit: true,
      allowImportingTsExtensions: true,
      skipLibCheck: true,
      paths,
    },
    include: ["*.ts"],
    exclude: [".palhm"],
  };
  return JSON.stringify(tsconfig, null, 2) + "\n";
}

/** Writes the declarations of "palhm" under DIR/.palhm/types, replacing what an earlier palhm wrote there. */
export function writeDeclarations(dir: string): void {
  const target = join(dir, TYPES_DIR);
  const fresh = `${target}.new-${process.pid}`;
  rmSync(fresh, { recursive: true, force: true });
  try {
    for (const [rel, text] of Object.entries(_DECLARATIONS.files)) {
      mkdirSync(dirname(join(fresh, rel)), { recursive: true });
      writeFileSync(join(fresh, rel), text, { mode: 0o644 });
    }
    rmSync(target, { recursive: true, force: true });
    renameSync(fresh, target);
  } catch (e) {
    rmSync(fresh, { recursive: true, force: true });
    throw e;
  }
}

/** Writes `text` to `file` unless it exists; says which happened. */
function _create(file: string, text: string, mode = 0o644): boolean {
  try {
    writeFileSync(file, text, { flag: "wx", mode });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  }
}

/** PALHM's own configs: a directory holding one is a PALHM host, whose config a starter palhm.config.ts would shadow. */
const _PALHM_CONFIGS = ["palhm.conf", "palhm.jsonc"];

export function initDir(dir: string): InitResult {
  try {
    return _initDir(dir);
  } catch (e) {
    throw new TaskError(`cannot set up ${dir}: ${(e as Error).message}`, { cause: e });
  }
}

function _initDir(dir: string): InitResult {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const kept: string[] = [];
  const palhm = _PALHM_CONFIGS.find((f) => existsSync(join(dir, f)));
  // palhm.config.ts is looked for before palhm.conf: on a PALHM host the starter would replace the config that runs.
  if (palhm && !existsSync(join(dir, "palhm.config.ts"))) kept.push(palhm);
  for (const [name, text, mode] of [["palhm.config.ts", _STARTER, 0o640], ["tsconfig.json", configTsconfig(), 0o644]] as const) {
    if (name === "palhm.config.ts" && kept.includes(palhm ?? "")) continue;
    (_create(join(dir, name), text, mode) ? written : kept).push(name);
  }
  writeDeclarations(dir);
  written.push(`${TYPES_DIR}/`);
  return { written, kept };
}

