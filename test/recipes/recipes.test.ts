/**
 * The recipes as plain functions: the objects they return, before any
 * program runs. (Each is run against a real server in the other tests here.)
 */
import { describe, expect, test } from "bun:test";
import { age, files, filtered, gpg, gzip, mysql, postgres, sqlite, xz, zstd } from "palhm/recipes";
import { errorOf } from "../_support/tmp.ts";

const argvs = (p: readonly { argv: readonly string[] }[]) => p.map((e) => e.argv.join(" "));
const KEY = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";

describe("filters", () => {
  test("the restore pipeline runs the inverses in reverse order, and the path gets the suffixes in order", () => {
    const o = filtered(
      { path: "ldap.ldif", dump: [{ argv: ["slapcat"] }], load: [{ argv: ["slapadd"] }] },
      { through: [zstd({ level: 19 }), age({ recipients: [KEY] })], group: "db" },
    );
    expect(o.path).toBe("ldap.ldif.zst.age");
    expect(o.group).toBe("db");
    expect(argvs(o.pipeline)).toEqual(["slapcat", "zstd -q -19 -T0", `age --encrypt --recipient ${KEY}`]);
    expect(argvs(o.restore)).toEqual(["age --decrypt --identity {identity}", "zstd -d -q", "slapadd"]);
  });

  test("each compressor is undone by its decompressor", () => {
    expect([zstd(), xz(), gzip()].map((f) => [f.suffix, f.encode.argv.join(" "), f.decode.argv.join(" ")])).toEqual([
      [".zst", "zstd -q -3 -T0", "zstd -d -q"],
      [".xz", "xz -6 -T0", "xz -d"],
      [".gz", "gzip -6 -n", "gzip -d"],
    ]);
    expect(zstd({ level: 22, threads: 2 }).encode.argv).toEqual(["zstd", "-q", "--ultra", "-22", "-T2"]);
  });

  test("age: recipients and recipient files; an identity in the config is a default the restore command can override", () => {
    const f = age({ recipients: [KEY], recipientsFile: "/etc/palhm/age.pub", identity: "/root/age.key" });
    expect(f.encode.argv).toEqual(["age", "--encrypt", "--recipient", KEY, "--recipients-file", "/etc/palhm/age.pub"]);
    expect(f.decode).toEqual({ argv: ["age", "--decrypt", "--identity", "{identity}"], env: { PALHM_IDENTITY: "/root/age.key" } });
  });

  test("gpg encrypts to every recipient without asking anything", () => {
    const f = gpg({ recipients: ["backup@example.org"], homedir: "/etc/palhm/gnupg" });
    expect(f.encode.argv.join(" ")).toBe("gpg --batch --quiet --homedir /etc/palhm/gnupg --trust-model always --encrypt --recipient backup@example.org");
    expect(f.decode.argv.join(" ")).toBe("gpg --batch --quiet --homedir /etc/palhm/gnupg --decrypt");
  });

  test("misuse is an error naming the recipe", async () => {
    expect((await errorOf(() => age({}))).message).toBe("age(): needs recipients or a recipientsFile to encrypt to");
    expect((await errorOf(() => zstd({ level: 30 }))).message).toContain("zstd(): level must be a whole number from 1 to 22");
    expect((await errorOf(() => gpg({ recipients: [] }))).message).toBe("gpg(): needs at least one recipient");
  });
});

describe("mysql", () => {
  test("one object per database, the password only in the environment", () => {
    const objects = mysql({ databases: ["site", "shop"], socket: "/run/mysqld/mysqld.sock", user: "backup", password: "hunter2", through: [zstd()] });
    expect(objects.map((o) => o.path)).toEqual(["mysql/site.sql.zst", "mysql/shop.sql.zst"]);
    const [dump] = objects[0]!.pipeline;
    expect(dump.argv).toEqual([
      "mysqldump", "--socket=/run/mysqld/mysqld.sock", "--user=backup", "--default-character-set=utf8mb4",
      "--single-transaction", "--routines", "--events", "--triggers", "--hex-blob", "--databases", "site",
    ]);
    expect(dump.env).toEqual({ MYSQL_PWD: "hunter2" });
    expect(argvs(objects[0]!.restore)).toEqual(["zstd -d -q", "mysql --socket=/run/mysqld/mysqld.sock --user=backup --default-character-set=utf8mb4"]);
    for (const o of objects) for (const e of [...o.pipeline, ...o.restore]) expect(e.argv.join(" ")).not.toContain("hunter2");
  });

  test("an option file comes first (the programs accept --defaults-extra-file only there); all databases in one object", () => {
    const [o, ...rest] = mysql({ databases: "all", defaultsFile: "/etc/palhm/my.cnf", singleTransaction: false });
    expect(rest).toEqual([]);
    expect(o!.path).toBe("mysql/all.sql");
    expect(o!.pipeline[0].argv.slice(0, 2)).toEqual(["mysqldump", "--defaults-extra-file=/etc/palhm/my.cnf"]);
    expect(o!.pipeline[0].argv).not.toContain("--single-transaction");
    expect(o!.pipeline[0].argv.at(-1)).toBe("--all-databases");
    expect(o!.pipeline[0].env).toBeUndefined();
  });

  test("a password file is read when the config is loaded; a missing one is an error naming it", async () => {
    const e = await errorOf(() => mysql({ databases: ["site"], passwordFile: "/nonexistent/pw" }));
    expect(e.message).toContain("mysql(): cannot read passwordFile /nonexistent/pw");
    expect((await errorOf(() => mysql({ databases: ["../etc"] }))).message).toContain("cannot be used as an object path");
  });
});

describe("postgres", () => {
  test("custom format per database, restored by pg_restore --clean --if-exists --create; the password file through PGPASSFILE", () => {
    const objects = postgres({ databases: ["app"], host: "/run/postgresql", user: "backup", passFile: "/etc/palhm/pgpass", globals: true });
    expect(objects.map((o) => o.path)).toEqual(["postgres/globals.sql", "postgres/app.dump"]);
    expect(argvs(objects[1]!.pipeline)).toEqual(["pg_dump --host=/run/postgresql --username=backup --no-password --format=custom --dbname=app"]);
    expect(argvs(objects[1]!.restore)).toEqual([
      "pg_restore --host=/run/postgresql --username=backup --no-password --clean --if-exists --create --exit-on-error --dbname=postgres",
    ]);
    expect(argvs(objects[0]!.pipeline)).toEqual(["pg_dumpall --host=/run/postgresql --username=backup --no-password --globals-only"]);
    for (const o of objects) for (const e of [...o.pipeline, ...o.restore]) expect(e.env).toEqual({ PGPASSFILE: "/etc/palhm/pgpass" });
  });

  test("plain format and the whole cluster are SQL restored by psql", () => {
    const [plain] = postgres({ databases: ["app"], format: "plain" });
    expect(plain!.path).toBe("postgres/app.sql");
    expect(plain!.pipeline[0].argv).toEqual(expect.arrayContaining(["--format=plain", "--clean", "--if-exists", "--create"]));
    expect(plain!.restore[0].argv).toEqual(["psql", "--no-password", "--quiet", "--no-psqlrc", "--set=ON_ERROR_STOP=1", "--dbname=postgres"]);
    const [all] = postgres({ databases: "all" });
    expect(all!.pipeline[0].argv).toEqual(["pg_dumpall", "--no-password", "--clean", "--if-exists"]);
  });
});

describe("sqlite and files", () => {
  test("sqlite: a read-only dump that waits for a writer's lock; the restore renames a new file over the database", () => {
    const o = sqlite({ database: "/var/lib/app/app.db", through: [gzip()] });
    expect(o.path).toBe("sqlite/app.db.sql.gz");
    expect(o.pipeline[0].argv).toEqual(["sqlite3", "-batch", "-bail", "-readonly", "-cmd", ".timeout 60000", "/var/lib/app/app.db", ".dump"]);
    // The database path is the script's argument, never part of it.
    expect(o.restore[1]!.argv.at(-1)).toBe("/var/lib/app/app.db");
    expect(o.restore[1]!.argv[2]).not.toContain("/var/lib/app");
  });

  test("files: tar of paths relative to the directory, a changed file accepted, extracted back with attributes", () => {
    const o = files({ path: "files/srv.tar", paths: ["/srv/www", "etc/nginx"], exclude: ["*.log", "/srv/www/cache"], oneFileSystem: true });
    const [tar] = o.pipeline;
    expect(tar.ec).toBe("<2");
    expect(tar.argv).toEqual(expect.arrayContaining(["--directory=/", "--xattrs", "--acls", "--one-file-system", "--exclude=*.log", "--exclude=srv/www/cache"]));
    expect(tar.argv.slice(-3)).toEqual(["--", "srv/www", "etc/nginx"]);
    expect(o.restore[0].argv).toEqual(["tar", "--extract", "--file=-", "--directory=/", "--xattrs", "--xattrs-include=*", "--acls", "--preserve-permissions"]);
    expect(files({ path: "t", paths: ["/srv"], directory: "/srv", restoreTo: "/tmp/x" }).restore[0].argv).toContain("--directory=/tmp/x");
  });

  test("files: a path outside the directory is refused", async () => {
    expect((await errorOf(() => files({ path: "t", paths: ["/etc"], directory: "/srv" }))).message).toBe("files(): /etc is not under directory /srv");
  });
});
