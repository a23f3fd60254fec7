/**
 * mysql() against a real MariaDB server started for this file: databases
 * with 50,000+ rows (UTF-8, quotes, backslashes, NULLs, binary), a trigger, a
 * view and a stored function are dumped by `palhm run`, dropped, brought back
 * by `palhm restore`, and compared by CHECKSUM TABLE. A failed dump fails the
 * run with mysqldump's own words and leaves no copy behind.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startMariaDb, type MariaDb } from "../_support/servers/mariadb.ts";
import { expectDumpFailure, failedRun, useRecipeProjects } from "./_project.ts";

let db: MariaDb;
const BACKUP_PASSWORD = "s3cret-'\"-pw";

const DATA = String.raw`
CREATE DATABASE site CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
USE site;
CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(200) NOT NULL, note TEXT NULL, balance DECIMAL(12,2), created DATETIME NOT NULL);
INSERT INTO customers
  SELECT seq, CONCAT('Zoë O''Brien "', seq, '" 日本語 ✓'), IF(seq % 7 = 0, NULL, CONCAT('line\\one\n\ttab ', seq, ' ''quoted''')), seq * 1.25, '2026-01-01 00:00:00' + INTERVAL seq MINUTE
  FROM seq_1_to_50000;
CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL, amount DECIMAL(12,2), payload VARBINARY(16), KEY (customer_id));
CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, order_id INT NOT NULL, what VARCHAR(20));
CREATE TRIGGER orders_audit AFTER INSERT ON orders FOR EACH ROW INSERT INTO audit (order_id, what) VALUES (NEW.id, 'insert');
INSERT INTO orders (customer_id, amount, payload) SELECT seq % 50000 + 1, seq / 3, UNHEX(MD5(seq)) FROM seq_1_to_60000;
CREATE VIEW customer_totals AS SELECT c.id, c.name, SUM(o.amount) AS total FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.id, c.name;
CREATE FUNCTION vat(x DECIMAL(12,2)) RETURNS DECIMAL(12,2) DETERMINISTIC RETURN x * 1.2;
CREATE DATABASE shop CHARACTER SET utf8mb4;
CREATE TABLE shop.products (sku VARCHAR(20) PRIMARY KEY, title TEXT, price DECIMAL(8,2) NULL);
INSERT INTO shop.products SELECT CONCAT('SKU-', seq), CONCAT('Produkt «', seq, '» \\ "x"'), IF(seq % 5 = 0, NULL, seq / 7) FROM seq_1_to_5000;
`;

/** What a restore must bring back exactly: every table's checksum, the view's totals, and the trigger and function working. */
async function state(): Promise<string> {
  return db.sql(
    "CHECKSUM TABLE site.customers, site.orders, site.audit, shop.products EXTENDED;" +
      "SELECT COUNT(*), SUM(total) FROM site.customer_totals;" +
      "SELECT site.vat(10);" +
      "SELECT trigger_name, event_manipulation, action_statement FROM information_schema.triggers WHERE trigger_schema = 'site';",
  );
}

async function dropAll(): Promise<void> {
  await db.sql("DROP DATABASE site; DROP DATABASE shop;");
  expect(await db.sql("SHOW DATABASES WHERE `Database` IN ('site', 'shop')")).toBe("");
}

const recipeProject = useRecipeProjects();

beforeAll(async () => {
  db = await startMariaDb();
  await db.sql(DATA);
  await db.sql(`CREATE USER backup@localhost IDENTIFIED BY '${BACKUP_PASSWORD.replaceAll("'", "''")}'; GRANT ALL ON *.* TO backup@localhost;`);
}, 120_000);

afterAll(async () => {
  await db?.stop();
});

describe("mysql() against MariaDB", () => {
  test("each database dumped, dropped, and restored identical: checksums, view, trigger, function", async () => {
    const p = recipeProject();
    const before = await state();
    expect(before).toContain("site.customers\t");
    expect(await db.sql("SELECT COUNT(*) FROM site.customers WHERE note IS NULL")).toBe("7142\n");
    p.config(`export default defineConfig({
  tasks: {
    db: {
      type: "backup",
      backend: { type: "localfs", root: ${JSON.stringify(p.root)} },
      objects: mysql({ databases: ["site", "shop"], socket: ${JSON.stringify(db.socket)}, defaultsFile: ${JSON.stringify(db.optionFile("backup", BACKUP_PASSWORD))} }),
    },
  },
});`);
    const run = await p.palhm("-q", "run", "db");
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(p.copies()).toHaveLength(1);

    await dropAll();
    const restore = await p.palhm("-q", "restore", "db");
    expect(restore.stderr).toBe("");
    expect(restore.status).toBe(0);
    expect(await state()).toBe(before);
    // The trigger fires in the restored database.
    await db.sql("INSERT INTO site.orders (customer_id, amount) VALUES (1, 9.99)");
    expect(await db.sql("SELECT what FROM site.audit ORDER BY id DESC LIMIT 1")).toBe("insert\n");
  }, 120_000);

  test("through zstd and age: the copy holds no plaintext, and restore needs the right identity (--identity FILE)", async () => {
    const p = recipeProject();
    const { identity, recipient } = await p.ageKey();
    const before = await state();
    const passwordFile = p.path("mysql.pw");
    await Bun.write(passwordFile, `${BACKUP_PASSWORD}\n`);
    p.config(`const enc = [zstd({ level: 3 }), age({ recipients: [${JSON.stringify(recipient)}] })];
export default defineConfig({
  tasks: {
    db: {
      type: "backup",
      backend: { type: "localfs", root: ${JSON.stringify(p.root)} },
      objectGroups: [{ id: "db" }],
      objects: mysql({ databases: ["site"], socket: ${JSON.stringify(db.socket)}, user: "backup", passwordFile: ${JSON.stringify(passwordFile)}, group: "db", through: enc }),
    },
  },
});`);
    const run = await p.palhm("-q", "run", "db");
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const [copy] = p.copies();
    const stored = await Bun.file(`${p.root}/${copy}/mysql/site.sql.zst.age`).bytes();
    expect(new TextDecoder().decode(stored.subarray(0, 21))).toBe("age-encryption.org/v1");
    expect(Buffer.from(stored).includes("O'Brien")).toBe(false);

    await db.sql("DROP DATABASE site");
    const without = await p.palhm("-q", "restore", "db");
    expect(without.status).toBe(2);
    expect(without.stderr).toContain("object mysql/site.sql.zst.age is restored through `age`, which needs a private key: give it with --identity FILE");
    expect(await db.sql("SHOW DATABASES LIKE 'site'")).toBe("");

    // Another key: age's own refusal, and nothing applied.
    const other = p.path("age/other.key");
    await Bun.spawn(["age-keygen", "-o", other], { stderr: "ignore" }).exited;
    const wrong = await p.palhm("-q", "restore", "db", "--identity", other);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain("no identity matched any of the recipients");
    expect(await db.sql("SHOW DATABASES LIKE 'site'")).toBe("");

    const restore = await p.palhm("-q", "restore", "db", "--identity", identity);
    expect(restore.stderr).toBe("");
    expect(restore.status).toBe(0);
    expect(await state()).toBe(before);
  }, 120_000);
});

describe("mysql() of all databases", () => {
  test("one object of the whole server (--all-databases) brings back every database", async () => {
    const p = recipeProject();
    const before = await state();
    p.config(`export default defineConfig({
  tasks: {
    all: { type: "backup", backend: { type: "localfs", root: ${JSON.stringify(p.root)} }, objects: mysql({ databases: "all", socket: ${JSON.stringify(db.socket)}, defaultsFile: ${JSON.stringify(db.optionFile("backup", BACKUP_PASSWORD))}, through: [gzip()] }) },
  },
});`);
    expect(await p.palhm("-q", "run", "all")).toMatchObject({ status: 0, stderr: "" });
    expect(p.copies()).toHaveLength(1);
    await dropAll();
    expect(await p.palhm("-q", "restore", "all")).toMatchObject({ status: 0, stderr: "" });
    expect(await state()).toBe(before);
  }, 120_000);
});

describe("a failed dump", () => {
  test("a wrong password: mysqldump's 'Access denied', exit 1, the copy rolled back; the password never shown", async () => {
    const r = await failedRun(recipeProject(), `mysql({ databases: ["site"], socket: ${JSON.stringify(db.socket)}, user: "backup", password: "not-the-password" })`);
    expectDumpFailure(expect, r, "mysqldump", "Access denied for user 'backup'@'localhost'");
    expect(r.quiet.stderr + JSON.stringify(r.json)).not.toContain("not-the-password");
  }, 60_000);

  test("a missing database: mysqldump's 'Unknown database'", async () => {
    const r = await failedRun(recipeProject(), `mysql({ databases: ["nosuch"], socket: ${JSON.stringify(db.socket)}, defaultsFile: ${JSON.stringify(db.optionFile("backup", BACKUP_PASSWORD))} })`);
    expectDumpFailure(expect, r, "mysqldump", "Unknown database 'nosuch'");
  }, 60_000);

  test("no server on the socket: mysqldump's 'Can't connect'", async () => {
    const r = await failedRun(recipeProject(), `mysql({ databases: ["site"], socket: ${JSON.stringify(`${db.dir}/gone.sock`)}, user: "backup", password: "x" })`);
    expectDumpFailure(expect, r, "mysqldump", "Can't connect to local server through socket");
  }, 60_000);
});
