/**
 * What every recipe returns: a backup object whose pipeline and restore
 * pipeline are written out in full (inline execs, no ids), so it drops into
 * any task's `objects` and shows in `palhm config` and `--dry-run` like an
 * object written by hand.
 */
import type { Decimal, ExecDef } from "../config/types.ts";

/** A non-empty pipeline of inline execs. */
export type Pipeline = readonly [ExecDef, ...ExecDef[]];

/** A backup object made by a recipe: its pipeline, and the pipeline that puts it back. */
export interface RecipeObject<G extends string = "default"> {
  readonly path: string;
  readonly pipeline: Pipeline;
  readonly restore: Pipeline;
  readonly group?: G;
  readonly allocSize?: Decimal;
}

/**
 * A filter: a program the output goes through (a compressor, an encrypter),
 * and its inverse, run on restore.
 */
export interface Filter {
  /** Added to the object path, e.g. ".zst". */
  readonly suffix: string;
  /** The program the backup goes through. */
  readonly encode: ExecDef;
  /** The program that undoes it on restore. */
  readonly decode: ExecDef;
}

/** Options every object recipe takes. */
export interface RecipeOptions<G extends string> {
  /**
   * Object group (e.g. "db", so files wait for databases with `depends`).
   * @default "default"
   */
  group?: G;
  /**
   * Filters the output goes through, in order: compression first, then
   * encryption. Each adds its suffix to the object path; the restore pipeline
   * runs their inverses in reverse order.
   * @example [zstd(), age({ recipientsFile: "/etc/palhm/age.pub" })]
   */
  through?: readonly Filter[];
  /** Expected size in bytes (a hint for preallocation and S3 part sizing). */
  allocSize?: Decimal;
}

/** A source program and its restore counterpart. */
export interface Source {
  readonly path: string;
  readonly dump: Pipeline;
  readonly load: Pipeline;
}

/**
 * An object from a source and filters: `dump | f1 | f2 > path.s1.s2`, restored
 * by `f2⁻¹ | f1⁻¹ | load`. Use it for objects no recipe covers:
 *
 *   filtered({ path: "ldap.ldif", dump: [{ argv: ["slapcat"] }], load: [{ argv: ["slapadd"] }] }, { through: [zstd()] })
 */
export function filtered<const G extends string = "default">(source: Source, options: RecipeOptions<G> = {}): RecipeObject<G> {
  const through = options.through ?? [];
  const decoders = through.map((f) => f.decode).reverse();
  return {
    path: source.path + through.map((f) => f.suffix).join(""),
    pipeline: [...source.dump, ...through.map((f) => f.encode)] as unknown as Pipeline,
    restore: [...decoders, ...source.load] as unknown as Pipeline,
    ...(options.group === undefined ? {} : { group: options.group }),
    ...(options.allocSize === undefined ? {} : { allocSize: options.allocSize }),
  };
}

/** `--name=value` for each defined value. */
export function flags(values: Readonly<Record<string, string | number | undefined>>): string[] {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `--${k}=${v}`);
}

/** A recipe's misuse, thrown while the config is read: the loader reports it as a config error (exit 2) naming the file. */
export function recipeError(recipe: string, message: string): Error {
  return new TypeError(`${recipe}(): ${message}`);
}

/** Object path segment for a database name: kept as is unless it could escape or hide. */
export function segment(recipe: string, name: string): string {
  if (name === "" || name === "." || name === ".." || name.includes("/") || name.includes("\0")) {
    throw recipeError(recipe, `a database name cannot be used as an object path: ${JSON.stringify(name)}`);
  }
  return name;
}
