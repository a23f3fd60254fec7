// End to end: the real CLI on a temp config, as a user runs it.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { palhm as cli, startPalhm } from "../_support/cli.ts";
import { isGone } from "../_support/process.ts";
import { fileTempDir } from "../_support/tmp.ts";

const base = fileTempDir("backup-cli");
let n = 0;

function project(objects: unknown[], extra: Record<string, unknown> = {}) {
  const dir = join(base, `p${n++}`);
  mkdirSync(dir);
  const root = join(dir, "backups");
  const config = {
    workers: 2,
    tasks: { backup: { type: "backup", backend: { type: "localfs", root, nbCopyLimit: 5 }, objects, ...extra } },
  };
  const file = join(dir, "palhm.config.ts");
  writeFileSync(file, `import { defineConfig } from "palhm";\nexport default defineConfig(${JSON.stringify(config, null, 2)});\n`);
  return { dir, root, file };
}

const env = { PALHM_HOOKS: join(base, "no-hooks") };
const palhm = (file: string, ...args: string[]) => cli(["-f", file, ...args], { env });

describe("palhm run (backup task)", () => {
  test("a successful run makes a complete copy; a failing one exits 1, names the cause, and leaves the earlier copy alone", async () => {
    const good = project([{ path: "db/dump.zst", pipeline: [{ argv: ["seq", "5000"] }, { argv: ["zstd", "-q"] }] }]);
    expect((await palhm(good.file, "run", "backup")).status).toBe(0);
    const [first] = readdirSync(good.root);
    const manifest = readFileSync(join(good.root, first!, ".palhm-manifest.json"), "utf8");

    writeFileSync(good.file, readFileSync(good.file, "utf8").replace(/"-q"/, '"-q", "--no-such-option"'));
    const r = await palhm(good.file, "-q", "run", "backup");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('object "db/dump.zst"');
    expect(r.stderr).toContain("`zstd -q --no-such-option` exited with code 1 (accepted: ==0)");
    expect(r.stderr).not.toContain("    at ");
    expect(readdirSync(good.root)).toEqual([first!]);
    expect(readFileSync(join(good.root, first!, ".palhm-manifest.json"), "utf8")).toBe(manifest);
  });

  test("--dry-run prints groups in order, pipelines with secrets masked and destinations, and touches nothing", async () => {
    const p = project(
      [
        { path: "late", group: "after", pipeline: [{ argv: ["echo", "a b"] }] },
        { path: "db.sql", pipeline: [{ argv: ["pg_dumpall"], env: { PGPASSWORD: "hunter2", PGHOST: "db" } }, { argv: ["zstd"] }] },
        { path: "my.sql", pipeline: [{ argv: ["mysqldump", "--password=swordfish"], env: { MYSQL_PWD: "opensesame" } }] },
      ],
      { objectGroups: [{ id: "after", depends: ["default"] }] },
    );
    const r = await palhm(p.file, "run", "--dry-run", "backup");
    expect(r.status).toBe(0);
    for (const secret of ["hunter2", "swordfish", "opensesame"]) expect(r.stdout).not.toContain(secret);
    expect(r.stdout).toContain("MYSQL_PWD=*** mysqldump '--password=***'");
    const lines = r.stdout.split("\n");
    const db = lines.findIndex((l) => l.includes(`PGPASSWORD=*** PGHOST=db pg_dumpall | zstd > ${p.root}/<PREFIX>/db.sql`));
    const late = lines.findIndex((l) => l.includes(`echo 'a b' > ${p.root}/<PREFIX>/late`));
    expect(db).toBeGreaterThan(0);
    expect(late).toBeGreaterThan(db);
    expect(r.stdout).toContain("group after (after default)");
    expect(existsSync(p.root)).toBe(false);
  });

  test("SIGTERM during a run stops the pipeline, rolls the copy back and exits 143", async () => {
    const p = project([{ path: "x", pipeline: [{ argv: ["sh", "-c", 'echo $$ > "$0"; exec sleep 60', join(base, `fifo${n}`)] }, { argv: ["cat"] }] }]);
    const fifo = join(base, `fifo${n - 1}`);
    Bun.spawnSync(["mkfifo", fifo]);
    const proc = startPalhm(["-f", p.file, "-q", "run", "backup"], { env });
    const pid = Number((await Bun.file(fifo).text()).trim());
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(143);
    expect(isGone(pid)).toBe(true);
    expect(readdirSync(p.root)).toEqual([]);
  });

  for (const [what, objects, extra, message] of [
    ["an object path escaping the copy", [{ path: "../etc/x", pipeline: [{ argv: ["true"] }] }], {}, /objects\[0\]\.path/],
    ["an absolute object path", [{ path: "/etc/x", pipeline: [{ argv: ["true"] }] }], {}, /objects\[0\]\.path/],
    ["two objects with one path", [{ path: "a", pipeline: [{ argv: ["true"] }] }, { path: "a", pipeline: [{ argv: ["true"] }] }], {}, /objects\[1\]/],
    ["a group depending on itself", [], { objectGroups: [{ id: "g", depends: ["g"] }] }, /g/],
    ["an unknown group", [{ path: "a", group: "nope", pipeline: [{ argv: ["true"] }] }], {}, /nope/],
    ["a cycle of groups", [], { objectGroups: [{ id: "g1", depends: ["g2"] }, { id: "g2", depends: ["g1"] }] }, /g1.*g2.*g1|g2.*g1.*g2/],
  ] as const) {
    test(`${what} is a config error: exit 2, nothing created`, async () => {
      const p = project([...objects], { ...extra });
      const r = await palhm(p.file, "run", "backup");
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(existsSync(p.root)).toBe(false);
    });
  }
});
