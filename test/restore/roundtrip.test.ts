/**
 * The whole story through the real CLI: `palhm run` makes copies, `palhm list`
 * shows them, `palhm verify` proves them, `palhm restore` brings them back
 * byte-identical — on localfs and on S3 (s3rver on 127.0.0.1).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startS3rver, type RunningS3 } from "../_support/servers/s3rver.ts";
import { palhm as cli } from "../_support/cli.ts";
import { tempDir } from "../_support/tmp.ts";


const palhm = (config: string, ...args: string[]) => cli(["-f", config, ...args], { env: { NO_COLOR: "1" } });

/** A host with a web tree and a database, and a config backing both up into `backend`. */
async function host(dir: string, backend: string) {
  await mkdir(join(dir, "srv/www/img"), { recursive: true });
  await writeFile(join(dir, "srv/www/index.html"), "<h1>hello</h1>\n");
  await writeFile(join(dir, "srv/www/img/logo.bin"), crypto.getRandomValues(new Uint8Array(150_000)));
  await writeFile(join(dir, "db.sql"), "CREATE TABLE posts (id int);\n" + "INSERT INTO posts VALUES (7);\n".repeat(3000));
  await mkdir(join(dir, "restored/tree"), { recursive: true });
  const config = join(dir, "palhm.config.ts");
  const q = (s: string) => JSON.stringify(s);
  await writeFile(
    config,
    `import { defineConfig } from "palhm";
export default defineConfig({
  hooksDir: ${q(join(dir, "restored"))},
  execs: {
    zstd: { argv: ["zstd", "-q", "-c"] },
    unzstd: { argv: ["zstd", "-d", "-q", "-c"] },
  },
  tasks: {
    site: {
      type: "backup",
      backend: ${backend},
      objectGroups: [{ id: "db" }, { id: "files", depends: ["db"] }],
      objects: [
        {
          path: "db/site.sql.zst", group: "db",
          pipeline: [{ argv: ["cat", ${q(join(dir, "db.sql"))}] }, "zstd"],
          restore: ["unzstd", { argv: ["sh", "-c", ${q(`cat > '${join(dir, "restored/site.sql")}'`)}] }],
        },
        {
          path: "www.tar.zst", group: "files",
          pipeline: [{ argv: ["tar", "-cf", "-", "-C", ${q(dir)}, "srv"] }, "zstd"],
          restore: ["unzstd", { argv: ["tar", "-xf", "-", "-C", ${q(join(dir, "restored/tree"))}] }],
        },
      ],
    },
  },
});
`,
  );
  return config;
}

async function story(dir: string, config: string) {
  const run = await palhm(config, "run", "site");
  expect(run.status).toBe(0);

  const list = await palhm(config, "list", "site", "--json");
  expect(list.status).toBe(0);
  const copies = JSON.parse(list.stdout).copies;
  expect(copies.map((c: { state: string; objects: number }) => [c.state, c.objects])).toEqual([["complete", 2]]);

  const verify = await palhm(config, "verify", "site");
  expect(verify.status).toBe(0);
  expect(verify.stdout).toContain("2 objects match the manifest");

  const restore = await palhm(config, "restore", "site");
  expect(restore.status).toBe(0);
  expect(await readFile(join(dir, "restored/site.sql"))).toEqual(await readFile(join(dir, "db.sql")));
  for (const f of ["index.html", "img/logo.bin"]) {
    expect(await readFile(join(dir, "restored/tree/srv/www", f))).toEqual(await readFile(join(dir, "srv/www", f)));
  }

  const files = await palhm(config, "restore", "site", "--to", join(dir, "files"));
  expect(files.status).toBe(0);
  expect((await readdir(join(dir, "files"))).sort()).toEqual(["db", "www.tar.zst"]);
  return copies[0].prefix as string;
}

describe("backup, list, verify, restore", () => {
  test("on localfs", async () => {
    await using tmp = tempDir("restore-story");
    const config = await host(tmp.dir, JSON.stringify({ type: "localfs", root: join(tmp.dir, "backups") }));
    const prefix = await story(tmp.dir, config);

    // Bit rot in the stored database dump: verify and restore both refuse it.
    const stored = join(tmp.dir, "backups", prefix, "db/site.sql.zst");
    const bytes = await readFile(stored);
    bytes[bytes.length >> 1]! ^= 0x10;
    await writeFile(stored, bytes);
    const verify = await palhm(config, "verify", "site");
    expect(verify.status).toBe(1);
    expect(verify.stderr).toContain("db/site.sql.zst is corrupt");
    await Bun.file(join(tmp.dir, "restored/site.sql")).delete();
    const restore = await palhm(config, "restore", "site");
    expect(restore.status).toBe(1);
    expect(await Bun.file(join(tmp.dir, "restored/site.sql")).exists()).toBe(false);
  });

  describe("on S3", () => {
    let s3: RunningS3;
    beforeAll(async () => {
      s3 = await startS3rver("palhm-story");
    });
    afterAll(async () => {
      await s3?.stop();
    });

    test("through s3rver", async () => {
      await using tmp = tempDir("restore-story");
      const backend = JSON.stringify({ type: "aws-s3", bucket: s3.bucket, root: `story-${Date.now()}`, endpoint: s3.endpoint });
      const config = await host(tmp.dir, backend);
      await story(tmp.dir, config);
    });
  });
});
