/**
 * A throwaway PostgreSQL cluster (15 on Debian 12) for tests: `initdb` into a temp directory
 * and `postgres` listening only on a unix socket in that directory. PostgreSQL
 * refuses to run as root, so both run as `nobody` (setpriv), the directory
 * chowned to it. The superuser `postgres` has a random password
 * (scram-sha-256 for every connection), so wrong-password cases are real.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mustRun, runProgram, stopServer, waitUntil } from "./server.ts";

/** The server programs of the newest PostgreSQL installed (Debian keeps them out of PATH). */
export const PG_BIN = `/usr/lib/postgresql/${readdirSync("/usr/lib/postgresql").filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a))[0]}/bin`;
const _NOBODY = { uid: 65534, gid: 65534 };

export interface Postgres {
  /** The temp directory holding the data, the socket and the log. */
  readonly dir: string;
  /** The socket directory: what `--host` names. */
  readonly host: string;
  readonly port: number;
  readonly superuser: "postgres";
  readonly password: string;
  /** Runs SQL as the superuser (psql, tuples only, unaligned, stop on the first error) and returns the output. */
  sql(query: string, database?: string): Promise<string>;
  /** Writes a password file (mode 600) for PGPASSFILE with `user` and `password` for any database, and returns its path. */
  passFile(user: string, password: string, name?: string): string;
  stop(): Promise<void>;
}

const _asNobody = (argv: string[]) => ["setpriv", `--reuid=${_NOBODY.uid}`, `--regid=${_NOBODY.gid}`, "--clear-groups", "--pdeathsig", "TERM", "--", ...argv];

export async function startPostgres(): Promise<Postgres> {
  const dir = mkdtempSync(join(tmpdir(), "palhm-postgres-"));
  chmodSync(dir, 0o755);
  const data = join(dir, "data");
  const host = join(dir, "run");
  const log = join(dir, "postgres.log");
  for (const d of [data, host]) {
    mkdirSync(d, { mode: 0o700 });
    chownSync(d, _NOBODY.uid, _NOBODY.gid);
  }
  const password = randomBytes(9).toString("hex");
  const pwfile = join(dir, "initdb.pw");
  writeFileSync(pwfile, password + "\n", { mode: 0o600 });
  chownSync(pwfile, _NOBODY.uid, _NOBODY.gid);
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    await mustRun(_asNobody([`${PG_BIN}/initdb`, "--pgdata", data, "--username=postgres", "--auth=scram-sha-256", `--pwfile=${pwfile}`, "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"]));
  } catch (e) {
    cleanup();
    throw e;
  }
  rmSync(pwfile);
  writeFileSync(log, "");
  chownSync(log, _NOBODY.uid, _NOBODY.gid);
  const port = 5432;
  const server = Bun.spawn(
    _asNobody([`${PG_BIN}/postgres`, "-D", data, "-k", host, "-p", String(port), "-c", "listen_addresses=", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", `logging_collector=off`]),
    { stdin: "ignore", stdout: "ignore", stderr: Bun.file(log) },
  );
  const psql = ["psql", `--host=${host}`, `--port=${port}`, "--username=postgres", "--no-psqlrc", "--tuples-only", "--no-align", "--set=ON_ERROR_STOP=1", "--quiet"];
  const env = { PGPASSWORD: password, PGCONNECT_TIMEOUT: "10" };
  const stop = async () => {
    // SIGINT: PostgreSQL's fast shutdown (sessions ended, no waiting for clients).
    await stopServer(server, "SIGINT");
    cleanup();
  };
  try {
    const logText = () => readFileSync(log, "utf8").slice(-2000);
    await waitUntil("postgres", server, async () => (await runProgram([...psql, "--dbname=postgres", "--command=SELECT 1"], { env })).status === 0, logText);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    dir,
    host,
    port,
    superuser: "postgres",
    password,
    sql: (query, database = "postgres") => mustRun([...psql, `--dbname=${database}`], { input: query, env }),
    passFile(user, pw, name = `${user}.pgpass`) {
      const file = join(dir, name);
      writeFileSync(file, `*:*:*:${user}:${pw.replaceAll("\\", "\\\\").replaceAll(":", "\\:")}\n`, { mode: 0o600 });
      return file;
    },
    stop,
  };
}
