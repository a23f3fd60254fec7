/**
 * A config anywhere on disk imports "palhm/recipes" like "palhm", and
 * `palhm run --dry-run` shows the recipes' pipelines and restore pipelines as
 * shell-like lines, secrets masked.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { palhm } from "../_support/cli.ts";
import { tempDir } from "../_support/tmp.ts";

const p = tempDir();
afterAll(() => p.remove());

describe("palhm/recipes in a config", () => {
  test("--dry-run shows each recipe's pipeline and restore pipeline, the password masked, and runs nothing", async () => {
    const config = p.write({
      "palhm.config.ts": `import { defineConfig } from "palhm";
import { mysql, postgres, files, zstd, age } from "palhm/recipes";
const enc = [zstd(), age({ recipients: ["age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"] })];
export default defineConfig({
  tasks: {
    backup: {
      type: "backup",
      backend: { type: "localfs", root: "${p.path("root")}" },
      objectGroups: [{ id: "db" }, { id: "files", depends: ["db"] }],
      objects: [
        ...mysql({ databases: ["site"], socket: "/run/mysqld/mysqld.sock", user: "backup", password: "hunter2", group: "db", through: enc }),
        ...postgres({ databases: ["app"], host: "/run/postgresql", passFile: "/etc/palhm/pgpass", group: "db" }),
        files({ path: "srv.tar", paths: ["/srv/www"], group: "files", through: enc }),
      ],
    },
  },
});
`,
    });
    const r = await palhm(["-f", config, "run", "--dry-run", "backup"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain("hunter2");
    const lines = r.stdout.split("\n").map((l) => l.trim());
    const root = p.path("root");
    expect(lines).toContain(
      "MYSQL_PWD=*** mysqldump --socket=/run/mysqld/mysqld.sock --user=backup --default-character-set=utf8mb4 --single-transaction --routines --events --triggers --hex-blob --databases site" +
        ` | zstd -q -3 -T0 | age --encrypt --recipient age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p > ${root}/<PREFIX>/mysql/site.sql.zst.age`,
    );
    expect(lines).toContain(
      "restore: mysql/site.sql.zst.age | age --decrypt --identity '{identity}' | zstd -d -q | MYSQL_PWD=*** mysql --socket=/run/mysqld/mysqld.sock --user=backup --default-character-set=utf8mb4",
    );
    expect(lines).toContain(
      "restore: postgres/app.dump | PGPASSFILE=*** pg_restore --host=/run/postgresql --no-password --clean --if-exists --create --exit-on-error --dbname=postgres",
    );
    expect(r.stdout).toContain("group files (after db):");
    expect(r.stdout).toContain("-- srv/www | zstd -q -3 -T0 | age --encrypt");
    expect(existsSync(root)).toBe(false);
  });

  test("a recipe's misuse is a config error (exit 2) naming the file and the recipe", async () => {
    const config = p.write({
      "bad.config.ts": `import { defineConfig } from "palhm";
import { mysql } from "palhm/recipes";
export default defineConfig({ tasks: { b: { type: "backup", backend: { type: "null" }, objects: [...mysql({ databases: [] })] } } });
`,
    });
    const r = await palhm(["-f", config, "config"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${config}: cannot load the config: mysql(): databases is empty: list some, or "all"`);
    expect(r.stderr.trimEnd().split("\n").length).toBe(1);
  });
});
