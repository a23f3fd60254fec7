/**
 * MySQL and MariaDB: `mysqldump` of each database (or of all), restored
 * through `mysql`. The password never appears in argv: it comes from an
 * option file (`--defaults-extra-file`) or the `MYSQL_PWD` environment variable.
 */
import { readFileSync } from "node:fs";
import type { ExecDef } from "../config/types.ts";
import { filtered, flags, recipeError, segment, type RecipeObject, type RecipeOptions } from "./object.ts";

export interface MysqlOptions<G extends string> extends RecipeOptions<G> {
  /** Databases to dump, one object each, or "all" for one object of every database (`--all-databases`). */
  databases: readonly string[] | "all";
  /** Unix socket of the server, e.g. "/run/mysqld/mysqld.sock". */
  socket?: string;
  /** Host name or address (TCP). */
  host?: string;
  /** TCP port. @default 3306 */
  port?: number;
  /** User name. @default the login name (as root over the socket: MariaDB's unix_socket authentication) */
  user?: string;
  /**
   * An option file (mode 600) with the credentials, passed first as `--defaults-extra-file`:
   * `[client]\nuser=backup\npassword=...`. Read by the programs, never by palhm.
   */
  defaultsFile?: string;
  /** A file (mode 600) holding the password alone; read when the config is loaded and passed as `MYSQL_PWD`. */
  passwordFile?: string;
  /** The password, passed as `MYSQL_PWD` (masked everywhere palhm shows it). Prefer `defaultsFile`. */
  password?: string;
  /**
   * Dump InnoDB tables in one transaction: a consistent copy without locking the server.
   * @default true
   */
  singleTransaction?: boolean;
  /** More `mysqldump` arguments, e.g. `["--ignore-table=site.sessions"]`. */
  dumpArgs?: readonly string[];
  /** Directory of the objects in the copy: `DIR/NAME.sql`, `DIR/all.sql`. @default "mysql" */
  dir?: string;
  /** The dump program. @default "mysqldump" (MariaDB: also "mariadb-dump") */
  dumpProgram?: string;
  /** The client program restoring the dump. @default "mysql" (MariaDB: also "mariadb") */
  clientProgram?: string;
}

function _password(options: MysqlOptions<string>): string | undefined {
  if (options.passwordFile !== undefined && options.password !== undefined) throw recipeError("mysql", "give password or passwordFile, not both");
  if (options.passwordFile === undefined) return options.password;
  try {
    return readFileSync(options.passwordFile, "utf8").replace(/\r?\n$/, "");
  } catch (e) {
    throw recipeError("mysql", `cannot read passwordFile ${options.passwordFile}: ${(e as Error).message}`);
  }
}

/**
 * One object per database (`mysql/NAME.sql`), or one of every database
 * (`mysql/all.sql`): `mysqldump --single-transaction --routines --events
 * --triggers --hex-blob --databases NAME`, restored by `mysql`, which
 * recreates the database and its tables (the dump drops each table first).
 */
export function mysql<const G extends string = "default">(options: MysqlOptions<G>): RecipeObject<G>[] {
  if (options.socket !== undefined && options.host !== undefined) throw recipeError("mysql", "give socket or host, not both");
  if (options.databases !== "all" && options.databases.length === 0) throw recipeError("mysql", `databases is empty: list some, or "all"`);
  const password = _password(options);
  const env = password === undefined ? {} : { env: { MYSQL_PWD: password } };
  const connect = [
    ...flags({ "defaults-extra-file": options.defaultsFile }),
    ...flags({ socket: options.socket, host: options.host, port: options.port, user: options.user }),
    "--default-character-set=utf8mb4",
  ];
  const dumpOptions = [
    ...(options.singleTransaction === false ? [] : ["--single-transaction"]),
    "--routines",
    "--events",
    "--triggers",
    "--hex-blob",
    ...(options.dumpArgs ?? []),
  ];
  const dump = (what: string[]): ExecDef => ({ argv: [options.dumpProgram ?? "mysqldump", ...connect, ...dumpOptions, ...what], ...env });
  const load: ExecDef = { argv: [options.clientProgram ?? "mysql", ...connect], ...env };
  const dir = options.dir ?? "mysql";
  if (options.databases === "all") return [filtered({ path: `${dir}/all.sql`, dump: [dump(["--all-databases"])], load: [load] }, options)];
  return options.databases.map((db) =>
    filtered({ path: `${dir}/${segment("mysql", db)}.sql`, dump: [dump(["--databases", db])], load: [load] }, options),
  );
}
