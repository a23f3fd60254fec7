/**
 * postgres() against a real PostgreSQL 15 cluster started for this file: a
 * database owned by its own role, with 50,000+ rows (UTF-8, quotes,
 * backslashes, NULLs, bytea), a trigger and a view, dumped by `palhm run`,
 * destroyed (the role too), brought back by `palhm restore`, and compared by
 * an ordered md5 of every table. A failed dump fails the run with pg_dump's
 * own words and leaves no copy behind.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startPostgres, type Postgres } from "../_support/servers/postgres.ts";
import { expectDumpFailure, failedRun, useRecipeProjects } from "./_project.ts";

let pg: Postgres;
const TABLES = { app: ["customers", "orders", "audit"], wiki: ["pages"] } as const;

const APP = String.raw`
CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, note text, balance numeric(12,2), created timestamptz NOT NULL);
INSERT INTO customers
  SELECT g, 'Zoë O''Brien "' || g || '" 日本語 ✓', CASE WHEN g % 7 = 0 THEN NULL ELSE E'line\\one\n\ttab ' || g || ' ''quoted''' END,
         g * 1.25, timestamptz '2026-01-01 00:00+00' + g * interval '1 minute'
  FROM generate_series(1, 50000) g;
CREATE TABLE orders (id serial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers, amount numeric(12,2), payload bytea);
CREATE TABLE audit (id serial PRIMARY KEY, order_id int NOT NULL, what text);
CREATE FUNCTION audit_order() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit (order_id, what) VALUES (NEW.id, 'insert'); RETURN NEW; END $$;
CREATE TRIGGER orders_audit AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION audit_order();
INSERT INTO orders (customer_id, amount, payload) SELECT g % 50000 + 1, g / 3.0, decode(md5(g::text), 'hex') FROM generate_series(1, 60000) g;
CREATE VIEW customer_totals AS SELECT c.id, c.name, sum(o.amount) AS total FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.id, c.name;
`;

/** What a restore must bring back exactly: an ordered md5 of every table, the view's totals, the owner. */
async function state(): Promise<string> {
  const out: string[] = [];
  for (const [db, tables] of Object.entries(TABLES)) {
    for (const t of tables) out.push(`${db}.${t} ${await pg.sql(`SELECT count(*) || ' ' || md5(string_agg(t::text, E'\\n' ORDER BY id)) FROM ${t} t`, db)}`);
  }
  out.push(await pg.sql("SELECT count(*) || ' ' || sum(total) FROM customer_totals", "app"));
  out.push(await pg.sql("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'app'"));
  return out.join("");
}

async function destroy(): Promise<void> {
  await pg.sql("DROP DATABASE app; DROP DATABASE wiki; DROP ROLE app;");
  expect(await pg.sql("SELECT count(*) FROM pg_database WHERE datname IN ('app', 'wiki')")).toBe("0\n");
}

/** Waits (30 s at most) until `n` sessions are connected to database app. */
async function sessionsOnApp(n: number): Promise<void> {
  const until = Date.now() + 30_000;
  while ((await pg.sql("SELECT count(*) FROM pg_stat_activity WHERE datname = 'app'")) !== `${n}\n`) {
    if (Date.now() > until) throw new Error(`never ${n} session(s) on database app`);
    await Bun.sleep(50); // polling a condition with a deadline
  }
}

const recipeProject = useRecipeProjects();

beforeAll(async () => {
  pg = await startPostgres();
  await pg.sql("CREATE ROLE app LOGIN PASSWORD 'app-pw'; CREATE DATABASE app OWNER app; CREATE DATABASE wiki;");
  await pg.sql(`SET ROLE app; ${APP}`, "app");
  await pg.sql("CREATE TABLE pages (id int PRIMARY KEY, title text, body text); INSERT INTO pages SELECT g, 'Seite ' || g, repeat('ä\\', g % 50) FROM generate_series(1, 3000) g;", "wiki");
}, 120_000);

afterAll(async () => {
  await pg?.stop();
});

const backend = (root: string) => `{ type: "localfs", root: ${JSON.stringify(root)} }`;

describe("postgres() against PostgreSQL 15", () => {
  test("custom format through zstd and age, with the roles: databases and role dropped, restored identical", async () => {
    const p = recipeProject();
    const { identity, recipient } = await p.ageKey();
    const before = await state();
    expect(before).toContain("app.customers 50000 ");
    p.config(`export default defineConfig({
  tasks: {
    db: {
      type: "backup",
      backend: ${backend(p.root)},
      objects: postgres({
        databases: ["app", "wiki"], globals: true, host: ${JSON.stringify(pg.host)}, user: "postgres",
        passFile: ${JSON.stringify(pg.passFile("postgres", pg.password))},
        through: [zstd(), age({ recipients: [${JSON.stringify(recipient)}], identity: ${JSON.stringify(identity)} })],
      }),
    },
  },
});`);
    const run = await p.palhm("-q", "run", "db");
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const [copy] = p.copies();
    const stored = await Bun.file(`${p.root}/${copy}/postgres/app.dump.zst.age`).bytes();
    expect(new TextDecoder().decode(stored.subarray(0, 21))).toBe("age-encryption.org/v1");

    await destroy();
    // The identity comes from the config (age's `identity`) when --identity is not given.
    const restore = await p.palhm("-q", "restore", "db");
    expect(restore.stderr).toBe("");
    expect(restore.status).toBe(0);
    expect(await state()).toBe(before);
    // The trigger fires, and the sequence goes on after the restored rows.
    await pg.sql("INSERT INTO orders (customer_id, amount) VALUES (1, 9.99)", "app");
    expect(await pg.sql("SELECT order_id || ' ' || what FROM audit ORDER BY id DESC LIMIT 1", "app")).toBe("60001 insert\n");
  }, 120_000);

  test("plain SQL format: the database restored by psql over the one in place", async () => {
    const p = recipeProject();
    const before = await state();
    p.config(`export default defineConfig({
  tasks: {
    db: {
      type: "backup",
      backend: ${backend(p.root)},
      objects: postgres({ databases: ["app"], format: "plain", host: ${JSON.stringify(pg.host)}, user: "postgres", passFile: ${JSON.stringify(pg.passFile("postgres", pg.password))} }),
    },
  },
});`);
    const run = await p.palhm("-q", "run", "db");
    expect(run).toMatchObject({ status: 0, stderr: "" });
    await pg.sql("DELETE FROM audit; DROP VIEW customer_totals; UPDATE customers SET name = 'gone';", "app");
    const restore = await p.palhm("-q", "restore", "db");
    expect(restore).toMatchObject({ status: 0, stderr: "" });
    expect(await state()).toBe(before);
  }, 120_000);
});

describe("postgres() of the whole cluster", () => {
  test("one pg_dumpall object brings back every database and role", async () => {
    const p = recipeProject();
    const before = await state();
    p.config(`export default defineConfig({
  tasks: {
    all: { type: "backup", backend: ${backend(p.root)}, objects: postgres({ databases: "all", host: ${JSON.stringify(pg.host)}, user: "postgres", passFile: ${JSON.stringify(pg.passFile("postgres", pg.password))}, through: [xz({ level: 0 })] }) },
  },
});`);
    expect(await p.palhm("-q", "run", "all")).toMatchObject({ status: 0, stderr: "" });
    await destroy();
    expect(await p.palhm("-q", "restore", "all")).toMatchObject({ status: 0, stderr: "" });
    expect(await state()).toBe(before);

    // A client holds database app open: it cannot be dropped, so the script's CREATE DATABASE app fails. Errors
    // in the roles part are gone past (the connected role cannot be dropped nor created); this one stops psql and fails the restore.
    const holder = Bun.spawn(["psql", `--host=${pg.host}`, "--username=postgres", "--no-password", "--dbname=app", "--command=SELECT pg_sleep(600)"], {
      env: { ...process.env, PGPASSFILE: pg.passFile("postgres", pg.password) }, stdout: "ignore", stderr: "ignore",
    });
    try {
      await sessionsOnApp(1);
      const failed = await p.palhm("-q", "restore", "all");
      expect(failed.status).toBe(1);
      expect(failed.stderr).toMatch(/psql.*exited with code 3/);
    } finally {
      holder.kill();
      await holder.exited;
      // The server's session outlives its client while pg_sleep runs: end it.
      await pg.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'app'");
      await sessionsOnApp(0);
    }
    // The cluster is half dropped, as pg_dumpall's script leaves it when it stops: with the client gone, a restore brings it all back.
    expect(await p.palhm("-q", "restore", "all")).toMatchObject({ status: 0, stderr: "" });
    expect(await state()).toBe(before);
  }, 120_000);
});

describe("a failed dump", () => {
  test("a wrong password: pg_dump's 'password authentication failed', the copy rolled back", async () => {
    const r = await failedRun(recipeProject(), `postgres({ databases: ["app"], host: ${JSON.stringify(pg.host)}, user: "app", passFile: ${JSON.stringify(pg.passFile("app", "wrong", "wrong.pgpass"))} })`);
    expectDumpFailure(expect, r, "pg_dump", `password authentication failed for user "app"`);
  }, 60_000);

  test("a missing database: pg_dump's 'does not exist'", async () => {
    const r = await failedRun(recipeProject(), `postgres({ databases: ["nosuch"], host: ${JSON.stringify(pg.host)}, user: "postgres", passFile: ${JSON.stringify(pg.passFile("postgres", pg.password))} })`);
    expectDumpFailure(expect, r, "pg_dump", `database "nosuch" does not exist`);
  }, 60_000);

  test("no server: pg_dump's 'connection to server ... failed'", async () => {
    const r = await failedRun(recipeProject(), `postgres({ databases: ["app"], host: ${JSON.stringify(`${pg.dir}/nowhere`)}, user: "postgres" })`);
    expectDumpFailure(expect, r, "pg_dump", "connection to server on socket");
  }, 60_000);
});
