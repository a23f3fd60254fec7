/** `{identity}` in a restore pipeline: the private key named at restore time, else in the config, else in the environment. */
import { afterEach, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ResolvedExec, ResolvedObject } from "../../src/config/resolved.ts";
import { SelectionError } from "../../src/restore/errors.ts";
import { withIdentity } from "../../src/restore/identity.ts";
import { palhm } from "../_support/cli.ts";
import { fileTempDir } from "../_support/tmp.ts";

const dir = fileTempDir("identity");
const given = join(dir, "given.key");
const configured = join(dir, "configured.key");
const inEnv = join(dir, "env.key");
for (const f of [given, configured, inEnv]) writeFileSync(f, "AGE-SECRET-KEY-1...\n", { mode: 0o600 });
const saved = process.env.PALHM_IDENTITY;
afterEach(() => {
  if (saved === undefined) delete process.env.PALHM_IDENTITY;
  else process.env.PALHM_IDENTITY = saved;
});

const exec = (argv: string[], env: Record<string, string> = {}): ResolvedExec => ({ argv, env, ec: { min: 0, max: 0, text: "==0" }, vlStderr: 1, vlStdout: 3 });
const objects = (decrypt: ResolvedExec): Map<string, ResolvedObject> =>
  new Map([
    ["db.sql.age", { path: "db.sql.age", group: "default", pipeline: [exec(["cat"])], restore: [decrypt, exec(["mysql"])] }],
    ["plain", { path: "plain", group: "default", pipeline: [exec(["cat"])], restore: [exec(["tee", "{identity}x"])] }],
  ]);
const decryptArgv = (m: Map<string, ResolvedObject>) => m.get("db.sql.age")!.restore![0]!.argv;

describe("the identity of a restore", () => {
  test("--identity FILE wins over the config's and the environment's", () => {
    process.env.PALHM_IDENTITY = inEnv;
    const m = withIdentity(objects(exec(["age", "--decrypt", "--identity", "{identity}"], { PALHM_IDENTITY: configured })), given);
    expect(decryptArgv(m)).toEqual(["age", "--decrypt", "--identity", given]);
    // Only the whole argument is replaced; other pipelines are left alone.
    expect(m.get("plain")!.restore![0]!.argv).toEqual(["tee", "{identity}x"]);
  });

  test("without it, the config's PALHM_IDENTITY, then palhm's environment", () => {
    process.env.PALHM_IDENTITY = inEnv;
    expect(decryptArgv(withIdentity(objects(exec(["age", "-d", "-i", "{identity}"], { PALHM_IDENTITY: configured })), undefined))).toContain(configured);
    expect(decryptArgv(withIdentity(objects(exec(["age", "-d", "-i", "{identity}"])), undefined))).toContain(inEnv);
  });

  test("none known, or a file that cannot be read: refused before anything runs, naming the object", () => {
    delete process.env.PALHM_IDENTITY;
    const none = (() => { try { withIdentity(objects(exec(["age", "-d", "-i", "{identity}"])), undefined); } catch (e) { return e as Error; } })();
    expect(none).toBeInstanceOf(SelectionError);
    expect(none!.message).toBe("object db.sql.age is restored through `age`, which needs a private key: give it with --identity FILE (or PALHM_IDENTITY=FILE)");
    expect(() => withIdentity(objects(exec(["age", "-d", "-i", "{identity}"])), join(dir, "missing.key"))).toThrow(`identity file ${join(dir, "missing.key")} (for the restore of db.sql.age) cannot be read: ENOENT`);
  });
});

test("--identity with --to is a usage error: files are written as stored, nothing is decrypted", async () => {
  const r = await palhm(["restore", "backup", "--to", dir, "--identity", given]);
  expect(r.status).toBe(2);
  expect(r.stderr).toStartWith("palhm: --identity applies to restore pipelines, not to --to DIR");
});
