/**
 * PostgreSQL: `pg_dump` of each database (custom format, restored by
 * `pg_restore --clean --if-exists --create`), or `pg_dumpall` of the whole
 * cluster (restored by `psql`). Passwords come from a password file named by
 * `PGPASSFILE`, never from argv.
 */
import type { ExecDef } from "../config/types.ts";
import { filtered, flags, recipeError, segment, type RecipeObject, type RecipeOptions } from "./object.ts";

export interface PostgresOptions<G extends string> extends RecipeOptions<G> {
  /** Databases to dump, one object each, or "all" for one `pg_dumpall` object of the whole cluster (roles included). */
  databases: readonly string[] | "all";
  /** Host name, address, or the directory of the server's socket (e.g. "/run/postgresql"). @default libpq's (the local socket) */
  host?: string;
  /** @default 5432 */
  port?: number;
  /** @default the login name */
  user?: string;
  /** A password file (mode 600, `host:port:db:user:password` lines), given to the programs as `PGPASSFILE`. */
  passFile?: string;
  /**
   * `"custom"`: `pg_dump -Fc`, compressed by pg_dump, restored by `pg_restore`;
   * `"plain"`: SQL text (`pg_dump -Fp --clean --if-exists --create`), restored by `psql`.
   * @default "custom"
   */
  format?: "custom" | "plain";
  /** With a list of databases: also dump roles and tablespaces (`pg_dumpall --globals-only`) as `DIR/globals.sql`, restored first. @default false */
  globals?: boolean;
  /** More `pg_dump` (or `pg_dumpall`) arguments, e.g. `["--exclude-table=sessions"]`. */
  dumpArgs?: readonly string[];
  /** Directory of the objects in the copy: `DIR/NAME.dump` (custom), `DIR/NAME.sql` (plain), `DIR/all.sql`. @default "postgres" */
  dir?: string;
  /** The database the restore connects to first (to drop and create the others). @default "postgres" */
  maintenanceDb?: string;
}

/**
 * One object per database, or one of the whole cluster. A custom-format
 * restore drops and recreates the database (`--clean --if-exists --create`),
 * so it must not be in use: stop its clients in a restore `pre` hook.
 */
export function postgres<const G extends string = "default">(options: PostgresOptions<G>): RecipeObject<G>[] {
  if (options.databases !== "all" && options.databases.length === 0) throw recipeError("postgres", `databases is empty: list some, or "all"`);
  if (options.databases === "all" && options.format === "custom") throw recipeError("postgres", `databases "all" is dumped by pg_dumpall, in plain SQL only`);
  const env = options.passFile === undefined ? {} : { env: { PGPASSFILE: options.passFile } };
  const connect = [...flags({ host: options.host, port: options.port, username: options.user }), "--no-password"];
  const exec = (program: string, args: readonly string[]): ExecDef => ({ argv: [program, ...connect, ...args], ...env });
  const maintenance = `--dbname=${options.maintenanceDb ?? "postgres"}`;
  const psql = exec("psql", ["--quiet", "--no-psqlrc", "--set=ON_ERROR_STOP=1", maintenance]);
  const dir = options.dir ?? "postgres";
  const extra = options.dumpArgs ?? [];
  if (options.databases === "all") {
    // pg_dumpall's script drops and recreates every role, the connected one too ("current user cannot be dropped",
    // "role ... already exists"): psql must go past errors there, and only there. From the first `\connect` on (the
    // databases), the first error stops psql, which exits 3: the restore fails instead of reporting a partial cluster.
    const strict: ExecDef = { argv: ["awk", "!on && /^\\\\connect / { print \"\\\\set ON_ERROR_STOP on\"; on = 1 } { print }"] };
    const load = exec("psql", ["--quiet", "--no-psqlrc", maintenance]);
    return [filtered({ path: `${dir}/all.sql`, dump: [exec("pg_dumpall", ["--clean", "--if-exists", ...extra])], load: [strict, load] }, options)];
  }
  const objects: RecipeObject<G>[] = [];
  if (options.globals) {
    const load = exec("psql", ["--quiet", "--no-psqlrc", maintenance]);
    objects.push(filtered({ path: `${dir}/globals.sql`, dump: [exec("pg_dumpall", ["--globals-only"])], load: [load] }, options));
  }
  for (const db of options.databases) {
    const name = segment("postgres", db);
    if (options.format === "plain") {
      const dump = exec("pg_dump", ["--format=plain", "--clean", "--if-exists", "--create", ...extra, `--dbname=${db}`]);
      objects.push(filtered({ path: `${dir}/${name}.sql`, dump: [dump], load: [psql] }, options));
    } else {
      const dump = exec("pg_dump", ["--format=custom", ...extra, `--dbname=${db}`]);
      const load = exec("pg_restore", ["--clean", "--if-exists", "--create", "--exit-on-error", maintenance]);
      objects.push(filtered({ path: `${dir}/${name}.dump`, dump: [dump], load: [load] }, options));
    }
  }
  return objects;
}
