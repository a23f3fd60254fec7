/**
 * Secrets never reach palhm's output: a distinct secret is planted in each
 * place a user keeps one (an exec's env, its arguments, AWS credentials in the
 * environment and in a credentials file; a password inside a URL, in argv and
 * in env; a variable whose name says "creds"; a token starting with "-"), and every command that could show
 * it (`config`, `--dry-run`, `-vvv` logs, failures, `--json`, an S3 403) is
 * run through the real CLI; the secret must appear nowhere on stdout+stderr.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { palhm, type CliResult } from "../_support/cli.ts";
import { tempDir, type TempDir } from "../_support/tmp.ts";
import { s3ErrorResponse, startLoopbackS3, type LoopbackS3 } from "../_support/servers/loopback-s3.ts";

const SECRETS = {
  env: "pl4nted-PGPASSWORD-e1",
  envToken: "pl4nted-API_TOKEN-e2",
  argvLong: "pl4nted-password-a1",
  argvPair: "pl4nted-token-a2",
  awsEnvKey: "pl4nted-aws-env-secret-k1",
  awsSession: "pl4nted-aws-session-k2",
  awsFileKey: "pl4nted-aws-file-secret-k3",
  argvUrl: "pl4nted-url-password-u1",
  argvDash: "-pl4nted-dash-token-a3",
  envUrl: "pl4nted-DATABASE_URL-password-e3",
  envCreds: "pl4nted-S3_CREDS-e4",
} as const;

function _expectNoSecret(r: CliResult): void {
  const out = r.stdout + r.stderr;
  for (const [where, secret] of Object.entries(SECRETS)) expect({ where, leaked: out.includes(secret) }).toEqual({ where, leaked: false });
}

/**
 * An exec holding secrets in env and argv. In a pipeline it writes $PGPASSWORD into the object (so the test sees it
 * was really passed); as a routine step it prints nothing, since a step's own stdout is shown at verbosity 3.
 */
const _dump = (exit: number, script = 'printf %s "$PGPASSWORD"') => `{
  argv: ["sh", "-c", '${script}; exit ${exit}', "pg_dump", "--password=${SECRETS.argvLong}", "--token", "${SECRETS.argvPair}",
    "--db-url=postgres://backup:${SECRETS.argvUrl}@db.example/site", "--auth-token", "${SECRETS.argvDash}"],
  env: { PGPASSWORD: "${SECRETS.env}", API_TOKEN: "${SECRETS.envToken}", PGHOST: "db.example",
    DATABASE_URL: "postgres://backup:${SECRETS.envUrl}@db.example/site", S3_CREDS: "${SECRETS.envCreds}" },
}`;

describe("secrets never appear in palhm's output", () => {
  let p: TempDir;
  let s3: LoopbackS3;
  let env: Record<string, string | undefined>;
  const root = () => p.path("backups");

  beforeAll(() => {
    p = tempDir();
    s3 = startLoopbackS3("secret-bucket");
    s3.fault = () => s3ErrorResponse(403, "AccessDenied", "Access Denied");
    p.write({
      "palhm.config.ts": `export default {
  execs: { dump: ${_dump(0)}, "dump-fails": ${_dump(3)}, check: ${_dump(0, 'test -n "$PGPASSWORD"')}, "check-fails": ${_dump(4, "true")} },
  tasks: {
    backup: { type: "backup", backend: { type: "localfs", root: ${JSON.stringify(root())} }, objects: [{ path: "db.sql", pipeline: ["dump"] }] },
    broken: { type: "backup", backend: { type: "localfs", root: ${JSON.stringify(root())} }, objects: [{ path: "db.sql", pipeline: ["dump-fails"] }] },
    maint: { type: "routine", steps: ["check", { exec: "check", argv: ["--api-key", "${SECRETS.argvPair}"] }, "check-fails"] },
    s3env: { type: "backup", backend: { type: "aws-s3", bucket: "secret-bucket", root: "r", endpoint: ${JSON.stringify(s3.endpoint)}, region: "us-east-1" }, objects: [{ path: "db.sql", pipeline: ["dump"] }] },
    s3file: { type: "backup", backend: { type: "aws-s3", bucket: "secret-bucket", root: "r", endpoint: ${JSON.stringify(s3.endpoint)}, region: "us-east-1", profile: "planted" }, objects: [{ path: "db.sql", pipeline: ["dump"] }] },
  },
};`,
      credentials: `[planted]\naws_access_key_id = AKIAPLANTEDFILE\naws_secret_access_key = ${SECRETS.awsFileKey}\n`,
    });
    const clean = Object.fromEntries(Object.keys(process.env).filter((k) => k.startsWith("AWS_")).map((k) => [k, undefined]));
    env = {
      ...clean,
      PALHM_LOCK_DIR: p.path("locks"),
      PALHM_HOOKS: p.path("hooks.d"),
      AWS_SHARED_CREDENTIALS_FILE: p.path("credentials"),
      AWS_CONFIG_FILE: p.path("no-aws-config"),
    };
  });
  afterAll(async () => {
    await s3?.stop();
    p?.remove();
  });

  const cli = (args: string[], extra: Record<string, string> = {}) => palhm(["-f", "palhm.config.ts", ...args], { cwd: p.dir, env: { ...env, ...extra } });
  const awsEnv = { AWS_ACCESS_KEY_ID: "AKIAPLANTEDENV", AWS_SECRET_ACCESS_KEY: SECRETS.awsEnvKey, AWS_SESSION_TOKEN: SECRETS.awsSession };

  test("palhm config (YAML and JSON) masks them", async () => {
    for (const args of [["config"], ["config", "--json"], ["-vvv", "config"]]) {
      const r = await cli(args, awsEnv);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain("***");
      _expectNoSecret(r);
    }
  });

  test("--dry-run plans of a backup and a routine mask them", async () => {
    for (const task of ["backup", "maint", "s3env"]) {
      const r = await cli(["run", "--dry-run", task], awsEnv);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain("PGPASSWORD=***");
      expect(r.stdout).toContain("--password=***");
      expect(r.stdout).toContain("postgres://backup:***@db.example/site");
      _expectNoSecret(r);
    }
  });

  test("a successful backup at -vvv logs none of them, and the exec did get its env", async () => {
    const r = await cli(["-vvv", "run", "backup"]);
    expect(r.status).toBe(0);
    _expectNoSecret(r);
    const [copy] = readdirSync(root());
    expect(readFileSync(join(root(), copy!, "db.sql"), "utf8")).toBe(SECRETS.env);
  });

  test("a failing exec's error names it, with its secrets masked (text and --json)", async () => {
    const text = await cli(["-vvv", "run", "broken"]);
    expect(text.status).toBe(1);
    expect(text.stderr).toContain("pg_dump '--password=***' --token '***'");
    expect(text.stderr).toContain("exited with code 3");
    _expectNoSecret(text);
    const json = await cli(["run", "--json", "broken"]);
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout).error.code).toBe("EEXEC");
    _expectNoSecret(json);
  });

  test("a routine at -vvv logs its steps masked, and its failure too", async () => {
    const r = await cli(["-vvv", "run", "maint"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("steps[2]");
    expect(r.stderr).toContain("exited with code 4");
    expect(r.stderr).toContain("--api-key");
    _expectNoSecret(r);
  });

  test("an S3 403 names the failure, not the credentials (from the environment, and from a credentials file)", async () => {
    const fromEnv = await cli(["-vvv", "run", "s3env"], awsEnv);
    const fromFile = await cli(["-vvv", "run", "s3file"]);
    for (const r of [fromEnv, fromFile]) {
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("access denied (HTTP 403 AccessDenied)");
      _expectNoSecret(r);
    }
    // Both runs did reach the store, signed with the planted keys.
    const ids = s3.requests.map((q) => q.headers.get("authorization") ?? "");
    expect(ids.some((a) => a.includes("AKIAPLANTEDENV"))).toBe(true);
    expect(ids.some((a) => a.includes("AKIAPLANTEDFILE"))).toBe(true);
  });
});
