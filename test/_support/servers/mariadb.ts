/**
 * A throwaway MariaDB server for tests: `mariadb-install-db` into a temp
 * directory, `mariadbd` on a private unix socket there (no network), root with
 * a password, stopped (and its directory removed) by `stop()`. palhm's tests
 * run as root, so the server runs with `--user=root`.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mustRun, runProgram, stopServer, waitUntil } from "./server.ts";

export interface MariaDb {
  /** The temp directory holding the data, the socket and the log. */
  readonly dir: string;
  readonly socket: string;
  /** The root password (root needs it: authentication is "normal", not unix_socket). */
  readonly rootPassword: string;
  /** Runs SQL as root (batch mode, no column names) and returns the output; throws with the client's stderr on failure. */
  sql(query: string, database?: string): Promise<string>;
  /** Writes an option file (mode 600) with a user and password for `--defaults-extra-file`, and returns its path. */
  optionFile(user: string, password: string): string;
  stop(): Promise<void>;
}

export async function startMariaDb(): Promise<MariaDb> {
  const dir = mkdtempSync(join(tmpdir(), "palhm-mariadb-"));
  const data = join(dir, "data");
  const socket = join(dir, "mysqld.sock");
  const log = join(dir, "error.log");
  const rootPassword = randomBytes(9).toString("hex");
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    await mustRun(["mariadb-install-db", "--no-defaults", `--datadir=${data}`, "--auth-root-authentication-method=normal", "--skip-test-db", "--user=root"]);
  } catch (e) {
    cleanup();
    throw e;
  }
  const server = Bun.spawn(
    [
      // Dies with the test process, should that die before stop().
      "setpriv", "--pdeathsig", "TERM", "--",
      "mariadbd", "--no-defaults", `--datadir=${data}`, `--socket=${socket}`, "--skip-networking", "--user=root",
      `--pid-file=${join(dir, "mariadbd.pid")}`, `--log-error=${log}`, "--skip-log-bin", "--innodb-buffer-pool-size=64M",
      "--innodb-flush-log-at-trx-commit=0", "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci",
    ],
    { stdin: "ignore", stdout: "ignore", stderr: "ignore" },
  );
  const client = ["mysql", "--no-defaults", `--socket=${socket}`, "--user=root", "--batch", "--skip-column-names", "--default-character-set=utf8mb4"];
  const stop = async () => {
    await stopServer(server, "SIGTERM");
    cleanup();
  };
  try {
    const logText = () => {
      try {
        return readFileSync(log, "utf8").slice(-2000);
      } catch {
        return "(no log)";
      }
    };
    await waitUntil("mariadbd", server, async () => (await runProgram([...client, "-e", "SELECT 1"])).status === 0, logText);
    await mustRun([...client, "-e", `SET PASSWORD FOR 'root'@'localhost' = PASSWORD('${rootPassword}')`]);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    dir,
    socket,
    rootPassword,
    // The password through MYSQL_PWD: a test helper follows the rule palhm's docs give.
    sql: (query, database) => mustRun([...client, ...(database ? [database] : [])], { input: query, env: { MYSQL_PWD: rootPassword } }),
    optionFile(user, password) {
      const file = join(dir, `${user}.cnf`);
      writeFileSync(file, `[client]\nuser=${user}\npassword=${password}\n`, { mode: 0o600 });
      return file;
    },
    stop,
  };
}
