/**
 * sqlite() on a database another process keeps writing while palhm dumps it:
 * the copy is a consistent snapshot (an invariant every transaction keeps
 * holds in it), and the restore puts back 50,000+ rows (UTF-8, quotes, NULLs),
 * the trigger and the view.
 */
import { describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { useRecipeProjects } from "./_project.ts";

const recipeProject = useRecipeProjects();

const SCHEMA = String.raw`
PRAGMA journal_mode = WAL;
CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000)
  INSERT INTO items SELECT i, 'Zoë O''Brien "' || i || '" 日本語', CASE WHEN i % 7 = 0 THEN NULL ELSE 'a\b' || char(10) || i END FROM n;
CREATE TABLE ledger (id INTEGER PRIMARY KEY AUTOINCREMENT, amount INTEGER NOT NULL);
CREATE TABLE balance (total INTEGER NOT NULL);
INSERT INTO balance VALUES (0);
CREATE TRIGGER ledger_balance AFTER INSERT ON ledger BEGIN UPDATE balance SET total = total + NEW.amount; END;
CREATE VIEW named AS SELECT id, name FROM items WHERE note IS NOT NULL;
`;

function digest(db: Database): { items: string; view: number } {
  const rows = db.query("SELECT id, name, note FROM items ORDER BY id").values();
  return {
    items: new Bun.CryptoHasher("sha256").update(JSON.stringify(rows)).digest("hex"),
    view: (db.query("SELECT count(*) AS n FROM named").get() as { n: number }).n,
  };
}

/** Inserts into the ledger, one transaction at a time, until stopped; yields between transactions so the test goes on. */
function startWriter(file: string) {
  const db = new Database(file);
  db.exec("PRAGMA busy_timeout = 30000");
  let running = true;
  let written = 0;
  const done = (async () => {
    while (running) {
      db.run("INSERT INTO ledger (amount) VALUES (?)", [1 + (written % 997)]);
      written++;
      await new Promise((r) => setImmediate(r));
    }
    db.close();
  })();
  return {
    count: () => written,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

describe("sqlite()", () => {
  test("a database written during the dump is copied consistently and restored whole", async () => {
    const p = recipeProject();
    const file = p.path("var/app/app.db");
    mkdirSync(dirname(file), { recursive: true });
    const setup = new Database(file);
    setup.exec(SCHEMA);
    const original = digest(setup);
    setup.close();
    p.config(`export default defineConfig({
  tasks: {
    app: {
      type: "backup",
      backend: { type: "localfs", root: ${JSON.stringify(p.root)} },
      objects: [sqlite({ database: ${JSON.stringify(file)}, through: [zstd()] })],
    },
  },
});`);

    const writer = startWriter(file);
    let run, before, after;
    try {
      while (writer.count() < 20) await new Promise((r) => setImmediate(r));
      before = writer.count();
      run = await p.palhm("-q", "run", "app");
      after = writer.count();
    } finally {
      await writer.stop();
    }
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    // The writer went on while palhm ran.
    expect(after).toBeGreaterThan(before);

    // Stop the application, lose the data, restore.
    rmSync(file);
    const restore = await p.palhm("-q", "restore", "app");
    expect(restore.stderr).toBe("");
    expect(restore.status).toBe(0);

    const db = new Database(file, { readonly: true });
    try {
      expect((db.query("PRAGMA integrity_check").get() as { integrity_check: string }).integrity_check).toBe("ok");
      expect(digest(db)).toEqual(original);
      const { n, sum } = db.query("SELECT count(*) AS n, coalesce(sum(amount), 0) AS sum FROM ledger").get() as { n: number; sum: number };
      // A snapshot: every transaction in it whole (the trigger's balance matches the ledger), taken between the two counts.
      expect((db.query("SELECT total FROM balance").get() as { total: number }).total).toBe(sum);
      expect(n).toBeGreaterThanOrEqual(before);
      expect(n).toBeLessThanOrEqual(after);
    } finally {
      db.close();
    }
    // The trigger came back too, and no temporary file is left next to the database.
    const rw = new Database(file);
    rw.run("INSERT INTO ledger (amount) VALUES (5)");
    const check = rw.query("SELECT (SELECT total FROM balance) = (SELECT sum(amount) FROM ledger) AS ok").get() as { ok: number };
    rw.close();
    expect(check.ok).toBe(1);
    expect(readdirSync(dirname(file)).filter((n) => n.includes("palhm-restore"))).toEqual([]);
  }, 120_000);

  test("a restore that fails half-way leaves the database as it was", async () => {
    const p = recipeProject();
    const file = p.path("app.db");
    const db = new Database(file);
    db.exec("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('kept');");
    db.close();
    // An object whose SQL breaks in the middle, restored through the recipe's own restore pipeline.
    p.config(`const recipe = sqlite({ database: ${JSON.stringify(file)} });
export default defineConfig({
  tasks: {
    app: {
      type: "backup",
      backend: { type: "localfs", root: ${JSON.stringify(p.root)} },
      objects: [{ ...recipe, pipeline: [{ argv: ["printf", "CREATE TABLE t (x TEXT);\\\\nINSERT INTO t VALUES ('new');\\\\nnot sql;\\\\n"] }] }],
    },
  },
});`);
    expect((await p.palhm("-q", "run", "app")).status).toBe(0);
    const restore = await p.palhm("-q", "restore", "app");
    expect(restore.status).toBe(1);
    expect(restore.stderr).toContain('near "not": syntax error');
    const after = new Database(file, { readonly: true });
    expect(after.query("SELECT x FROM t").values()).toEqual([["kept"]]);
    after.close();
    expect(readdirSync(p.dir).filter((n) => n.includes("palhm-restore"))).toEqual([]);
    expect(existsSync(file)).toBe(true);
  }, 60_000);
});
