/**
 * SQLite: a consistent dump of a database that may be written meanwhile,
 * restored into a new file renamed over the database.
 */
import { basename } from "node:path";
import { filtered, recipeError, type RecipeObject, type RecipeOptions } from "./object.ts";

export interface SqliteOptions<G extends string> extends RecipeOptions<G> {
  /** The database file. */
  database: string;
  /** Object path in the copy. @default "sqlite/" + the file's name + ".sql" */
  path?: string;
  /** Milliseconds the dump waits for a writer's lock before failing. @default 60000 */
  busyTimeout?: number;
}

/**
 * The restore: the SQL goes into a new file next to the database, which
 * replaces it by a rename only once the whole dump went in; a failure leaves
 * the database as it was. The path is an argument, never part of the script.
 */
const _RESTORE = [
  "set -eu",
  'db=$1; tmp=$(mktemp "$db.palhm-restore.XXXXXX")',
  "trap 'rm -f \"$tmp\"' EXIT",
  'sqlite3 -batch -bail "$tmp"',
  'rm -f "$db-wal" "$db-shm" "$db-journal"',
  'mv -f "$tmp" "$db"',
].join("; ");

/**
 * `sqlite3 -readonly DB .dump`: SQL text read in one transaction, so it is a
 * consistent snapshot while the application goes on writing (in WAL mode
 * writers are not even held up). Stop the application while restoring
 * (restore hooks): the new file replaces the database by a rename.
 */
export function sqlite<const G extends string = "default">(options: SqliteOptions<G>): RecipeObject<G> {
  if (options.database === "") throw recipeError("sqlite", "database is empty");
  const timeout = options.busyTimeout ?? 60_000;
  return filtered(
    {
      path: options.path ?? `sqlite/${basename(options.database)}.sql`,
      dump: [{ argv: ["sqlite3", "-batch", "-bail", "-readonly", "-cmd", `.timeout ${timeout}`, options.database, ".dump"] }],
      load: [{ argv: ["sh", "-c", _RESTORE, "sqlite-restore", options.database] }],
    },
    options,
  );
}
