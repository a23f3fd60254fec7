/**
 * The single-file binary as a sysadmin deploys it: `bun run build`'s command
 * compiles dist/palhm; copied ALONE into a directory with no repository, no
 * node_modules and no Bun on PATH, it loads a palhm.config.ts there (its
 * `import ... from "palhm"` and "palhm/recipes", and an included TS file
 * resolved by the binary),
 * a PALHM JSON config too, and runs every command, the S3 backend included.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../_support/tmp.ts";
import { startS3rver, type RunningS3 } from "../_support/servers/s3rver.ts";
import { compiledBinary } from "../_support/binary.ts";

const p = tempDir();
const host = p.path("host");
const bin = join(host, "palhm");
let s3: RunningS3;

beforeAll(async () => {
  mkdirSync(host);
  copyFileSync(await compiledBinary(), bin);
  chmodSync(bin, 0o755);
  s3 = await startS3rver("compiled");
  p.write({
    "host/palhm.config.ts": `import { defineConfig } from "palhm";
import { files, gzip } from "palhm/recipes";
import core from "./core.ts";
export default defineConfig({
  include: [core],
  bootReport: { mua: { type: "stdout" }, mailTo: ["ops@example.org"] },
  tasks: {
    backup: {
      type: "backup",
      backend: { type: "localfs", root: "${host}/backups", nbCopyLimit: 2 },
      objects: [{ path: "numbers.gz", pipeline: [{ argv: ["seq", "1", "200000"] }, "gz"], restore: [{ argv: ["sh", "-c", "gzip -dc > ${host}/restored.txt"] }] }],
    },
    offsite: {
      type: "backup",
      backend: { type: "aws-s3", bucket: "compiled", root: "hosts/a", endpoint: "${s3.endpoint}" },
      // Several MiB: hashed on the worker thread, which must work inside the binary too.
      objects: [{ path: "numbers.txt", pipeline: [{ argv: ["seq", "1", "1000000"] }] }],
    },
    tree: {
      type: "backup",
      backend: { type: "localfs", root: "${host}/trees" },
      objects: [files({ path: "data.tar", paths: ["data"], directory: "${host}", restoreTo: "${host}/back", through: [gzip()] })],
    },
  },
});
`,
    "host/core.ts": `import { defineConfig } from "palhm";\nexport default defineConfig({ execs: { gz: { argv: ["gzip", "-1"] } } });\n`,
    "host/palhm.json": JSON.stringify({
      vl: 3,
      execs: [{ id: "gz", argv: ["gzip", "-1"] }],
      tasks: [{ id: "j", type: "backup", backend: "localfs", "backend-param": { root: `${host}/jroot` }, objects: [{ path: "ten.gz", pipeline: [{ type: "exec-inline", argv: ["seq", "10"] }, { type: "exec", "exec-id": "gz" }] }] }],
    }),
  });
}, 60_000);

afterAll(async () => {
  await s3?.stop();
  p.remove();
});

/** Runs the binary in its directory with a bare environment: no Bun, no repository, no node_modules on any path. */
async function palhm(...args: string[]): Promise<{ status: number; out: string; err: string }> {
  const env = {
    PATH: "/usr/bin:/bin",
    HOME: host,
    PALHM_LOCK_DIR: join(host, "locks"),
    PALHM_HOOKS: join(host, "hooks.d"),
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
    AWS_REGION: "us-east-1",
  };
  const proc = Bun.spawn([bin, ...args], { cwd: host, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [status, out, err] = await Promise.all([proc.exited, new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  return { status, out, err };
}

describe("the compiled binary, alone in a directory", () => {
  test("the directory holds nothing but the binary and its configs", () => {
    expect(existsSync(join(host, "node_modules"))).toBe(false);
    expect(existsSync(join(host, "package.json"))).toBe(false);
  });

  test("run: ./palhm.config.ts found by default, a real pipeline into localfs; list and verify see the copy", async () => {
    const run = await palhm("run", "backup", "--json");
    expect(run.err).not.toContain("internal error");
    expect(run.status).toBe(0);
    const doc = JSON.parse(run.out);
    const file = join(host, "backups", doc.prefix, "numbers.gz");
    expect(doc.objects[0].sha256).toBe(Bun.spawnSync(["sha256sum", file]).stdout.toString().split(" ")[0]!);
    expect(Bun.spawnSync(["sh", "-c", `gzip -dc '${file}' | tail -1`]).stdout.toString()).toBe("200000\n");

    const list = await palhm("list", "backup", "--json");
    expect(list.status).toBe(0);
    expect(JSON.parse(list.out).copies).toEqual([expect.objectContaining({ prefix: doc.prefix, state: "complete", objects: 1 })]);
    const verify = await palhm("verify", "backup");
    expect(verify.status).toBe(0);
    expect(verify.out).toContain(`${doc.prefix}  ok`);
  });

  test("restore through the restore pipeline and --to a directory, byte-identical", async () => {
    const seq = Bun.spawnSync(["seq", "1", "200000"]).stdout.toString();
    const piped = await palhm("restore", "backup");
    expect(piped.status).toBe(0);
    expect(readFileSync(join(host, "restored.txt"), "utf8")).toBe(seq);
    const to = await palhm("restore", "backup", "--to", "out");
    expect(to.status).toBe(0);
    expect(Bun.spawnSync(["gzip", "-dc", join(host, "out/numbers.gz")]).stdout.toString()).toBe(seq);
  });

  test("palhm/recipes is served by the binary too: a files() tree through gzip, backed up and restored", async () => {
    p.write({ "host/data/a.txt": "alpha\n", "host/data/sub/b.txt": "beta\n" });
    mkdirSync(join(host, "back"));
    const run = await palhm("-q", "run", "tree");
    expect(run).toMatchObject({ status: 0, err: "" });
    const restore = await palhm("-q", "restore", "tree");
    expect(restore).toMatchObject({ status: 0, err: "" });
    expect(readFileSync(join(host, "back/data/sub/b.txt"), "utf8")).toBe("beta\n");
    expect(readFileSync(join(host, "back/data/a.txt"), "utf8")).toBe("alpha\n");
  });

  test("the S3 backend (AWS SDK loaded lazily inside the binary) uploads to s3rver", async () => {
    const run = await palhm("-q", "run", "offsite", "--json");
    expect(run.err).toBe("");
    expect(run.status).toBe(0);
    const { prefix, objects } = JSON.parse(run.out);
    expect(objects[0].sha256).toBe(Bun.spawnSync(["sh", "-c", "seq 1 1000000 | sha256sum"]).stdout.toString().split(" ")[0]!);
    const verify = await palhm("verify", "offsite", "--json");
    expect(verify.status).toBe(0);
    expect(JSON.parse(verify.out)).toMatchObject({ ok: true, copies: [expect.objectContaining({ prefix })] });
  });

  test("a PALHM JSON config runs unchanged, and migrate prints it as palhm.config.ts", async () => {
    const run = await palhm("-q", "-f", "palhm.json", "run", "j");
    expect(run).toMatchObject({ status: 0, err: "" });
    const migrated = await palhm("migrate", "palhm.json");
    expect(migrated.status).toBe(0);
    expect(migrated.out).toContain(`import { defineConfig } from "palhm";`);
    expect(migrated.out).toContain(`gz: { argv: ["gzip", "-1"] }`);
  });

  test("config, check, mods, schema, help and boot-report", async () => {
    const config = await palhm("config", "--json");
    expect(config.status).toBe(0);
    expect(JSON.parse(config.out).tasks.backup.objects[0].pipeline[1].argv).toEqual(["gzip", "-1"]);

    const check = await palhm("check");
    expect(check.status).toBe(0);
    expect(check.out + check.err).toContain("every program a task runs found");

    const mods = await palhm("mods");
    expect(mods.status).toBe(0);
    for (const name of ["localfs", "aws-s3", "stdout", "mailx", "sigmask"]) expect(mods.out).toContain(name);

    const schema = await palhm("schema");
    expect(schema.status).toBe(0);
    expect(JSON.parse(schema.out).type).toBe("object");

    const help = await palhm("help", "run");
    expect(help.status).toBe(0);
    expect(help.out).toContain("USAGE palhm run");
    expect(help.out).toContain("--json");

    const boot = await palhm("boot-report");
    expect(boot.status).toBe(0);
    expect(boot.out).toStartWith(`Boot Report from `);
    expect(boot.out).toContain("ops@example.org\n\n# This is a boot report from ");
    expect(boot.out).toContain("boot-report:\n  hostname: ");
  });

  test("a config error still exits 2 with one paragraph", async () => {
    p.write({ "host/bad.config.ts": `import { defineConfig } from "palhm";\nexport default defineConfig({ tasks: { t: { type: "backup", backend: { type: "null" }, objects: [{ path: "x", pipeline: ["nosuch"] }] } } } as any);\n` });
    const r = await palhm("-f", "bad.config.ts", "run", "t");
    expect(r.status).toBe(2);
    expect(r.err).toContain(`unknown exec "nosuch"`);
    expect(r.err.trimEnd().split("\n").length).toBe(1);
  });
});
