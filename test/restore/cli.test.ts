/** `palhm list`, `verify` and `restore` end to end: the real CLI, a real config file, copies on disk. */
import { describe, expect, test } from "bun:test";
import { mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { makeCopy, sh } from "./_fixtures.ts";
import { palhm as cli } from "../_support/cli.ts";
import { tempDir } from "../_support/tmp.ts";

const P1 = "2022-05-01T06:59:17+00:00";
const P2 = "2022-05-02T06:59:17+00:00";
const P3 = "2022-05-03T06:59:17+00:00";

const palhm = (config: string, ...args: string[]) => cli(["-f", config, ...args], { env: { NO_COLOR: "1" } });

/** A project: a config whose task `backup` stores into `root`, restores into `out`, and whose hooks append to `hooks.log`. */
async function project(dir: string) {
  const root = join(dir, "root");
  const out = join(dir, "out");
  await mkdir(join(out, "tree"), { recursive: true });
  await mkdir(join(dir, "hooks.d"));
  const hooksLog = join(dir, "hooks.log");
  const config = join(dir, "palhm.config.ts");
  await writeFile(
    config,
    `import { appendFileSync } from "node:fs";
import { defineConfig } from "palhm";
const record = (ctx) => appendFileSync(${JSON.stringify(hooksLog)}, \`\${ctx.op} \${ctx.state} \${ctx.prefix}\\n\`);
export default defineConfig({
  hooksDir: ${JSON.stringify(join(dir, "hooks.d"))},
  execs: {
    tar: { argv: ["tar", "-cf", "-", "-C", ${JSON.stringify(dir)}, "src"] },
    zstd: { argv: ["zstd", "-q", "-c"] },
    unzstd: { argv: ["zstd", "-d", "-q", "-c"] },
    untar: { argv: ["tar", "-xf", "-", "-C", ${JSON.stringify(join(out, "tree"))}] },
    dump: { argv: ["cat", ${JSON.stringify(join(dir, "db.sql"))}] },
    load: { argv: ["sh", "-c", ${JSON.stringify(`cat > '${join(out, "restored.sql")}'`)}] },
  },
  tasks: {
    backup: {
      type: "backup",
      backend: { type: "localfs", root: ${JSON.stringify(root)} },
      objectGroups: [{ id: "db" }, { id: "files", depends: ["db"] }],
      objects: [
        { path: "files.tar.zst", group: "files", pipeline: ["tar", "zstd"], restore: ["unzstd", "untar"] },
        { path: "db/all.sql", group: "db", pipeline: ["dump"], restore: ["load"] },
        { path: "os-release", pipeline: [{ argv: ["cat", "/etc/os-release"] }] },
      ],
      hooks: { restore: { pre: record, inspect: record, post: record, error: record, finally: record } },
    },
  },
});
`,
  );
  return { root, out, config, hooksLog };
}

async function sampleCopy(dir: string, root: string, prefix: string, state: "complete" | "incomplete" | "legacy" = "complete") {
  await mkdir(join(dir, "src/sub"), { recursive: true });
  await writeFile(join(dir, "src/sub/file.txt"), `tree of ${prefix}\n`);
  await writeFile(join(dir, "db.sql"), `INSERT INTO copies VALUES ('${prefix}');\n`.repeat(200));
  const tarball = await sh(`tar -cf - -C '${dir}' src | zstd -q -c`);
  return makeCopy(root, prefix, {
    "files.tar.zst": tarball,
    "db/all.sql": await Bun.file(join(dir, "db.sql")).bytes(),
    "os-release": new TextEncoder().encode("ID=test\n"),
  }, state, "backup");
}

describe("palhm list", () => {
  test("one line per copy, oldest first, with state, objects and size; --json has the same facts", async () => {
    await using tmp = tempDir("restore-cli");
    const { root, config } = await project(tmp.dir);
    await sampleCopy(tmp.dir, root, P1, "legacy");
    await sampleCopy(tmp.dir, root, P2);
    await sampleCopy(tmp.dir, root, P3, "incomplete");
    await mkdir(join(root, "not-a-copy"));

    const text = await palhm(config, "list", "backup");
    expect(text.status).toBe(0);
    const lines = text.stdout.trim().split("\n");
    expect(lines.map((l) => l.split(/\s+/).slice(0, 4).join(" "))).toEqual([
      `${P1} legacy 3 objects`,
      `${P2} complete 3 objects`,
      `${P3} incomplete 3 objects`,
    ]);

    const json = await palhm(config, "list", "backup", "--json");
    expect(json.status).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc.copies.map((c: { prefix: string; state: string; objects: number }) => [c.prefix, c.state, c.objects])).toEqual([
      [P1, "legacy", 3],
      [P2, "complete", 3],
      [P3, "incomplete", 3],
    ]);
    for (const [i, c] of doc.copies.entries()) expect(lines[i]).toContain(`(${c.size} bytes)`);
  });

  test("an unknown task is a usage error (exit 2)", async () => {
    await using tmp = tempDir("restore-cli");
    const { config } = await project(tmp.dir);
    const r = await palhm(config, "list", "nope");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`no task "nope"`);
  });
});

describe("palhm verify", () => {
  test("a sound copy passes; one flipped byte, a truncated and a missing object fail naming each", async () => {
    await using tmp = tempDir("restore-cli");
    const { root, config } = await project(tmp.dir);
    await sampleCopy(tmp.dir, root, P1);
    const dir = await sampleCopy(tmp.dir, root, P2);

    const ok = await palhm(config, "verify", "backup");
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`^${P2.replace("+", "\\+")}  ok +3 objects match the manifest$`, "m"));

    const sql = await readFile(join(dir, "db/all.sql"));
    sql[10]! ^= 0x20;
    await writeFile(join(dir, "db/all.sql"), sql);
    await writeFile(join(dir, "os-release"), "ID=");
    await Bun.file(join(dir, "files.tar.zst")).delete();
    await writeFile(join(dir, "stray"), "x");

    const bad = await palhm(config, "verify", "backup");
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/db\/all\.sql is corrupt \(sha256 expected/);
    expect(bad.stderr).toMatch(/os-release is corrupt \(truncated: size expected 8 bytes, got 3/);
    expect(bad.stderr).toContain("files.tar.zst is missing");
    expect(bad.stderr).toContain("stray is not in the manifest");

    const json = await palhm(config, "verify", "backup", "--all", "--json");
    expect(json.status).toBe(1);
    const doc = JSON.parse(json.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.copies.map((c: { prefix: string; ok: boolean }) => [c.prefix, c.ok])).toEqual([[P1, true], [P2, false]]);
    const status = Object.fromEntries(doc.copies[1].objects.map((o: { path: string; status: string }) => [o.path, o.status]));
    expect(status).toEqual({ "files.tar.zst": "missing", "db/all.sql": "corrupt", "os-release": "corrupt", stray: "extra" });
  });
});

describe("a copy whose manifest cannot be read (damaged)", () => {
  test("list shows it as damaged; verify --all checks and reports every copy and fails; restore refuses it by name", async () => {
    await using tmp = tempDir("restore-cli");
    const { root, config } = await project(tmp.dir);
    await sampleCopy(tmp.dir, root, P1);
    const damaged = await sampleCopy(tmp.dir, root, P2);
    await sampleCopy(tmp.dir, root, P3);
    const text = await readFile(join(damaged, ".palhm-manifest.json"), "utf8");
    await writeFile(join(damaged, ".palhm-manifest.json"), text.slice(0, text.length / 2)); // truncated

    const list = JSON.parse((await palhm(config, "list", "backup", "--json")).stdout);
    expect(list.copies.map((c: { prefix: string; state: string }) => [c.prefix, c.state])).toEqual([[P1, "complete"], [P2, "damaged"], [P3, "complete"]]);

    const all = await palhm(config, "verify", "backup", "--all");
    expect(all.status).toBe(1);
    expect(all.stdout).toMatch(new RegExp(`^${P1.replace("+", "\\+")}  ok `, "m"));
    expect(all.stdout).toMatch(new RegExp(`^${P2.replace("+", "\\+")}  DAMAGED `, "m"));
    expect(all.stdout).toMatch(new RegExp(`^${P3.replace("+", "\\+")}  ok `, "m"));
    expect(all.stderr).toContain(`${P2}: damaged`);
    expect(all.stderr).not.toContain("internal error");

    const named = await palhm(config, "restore", "backup", "--copy", P2, "--to", join(tmp.dir, "x"));
    expect(named.status).toBe(1);
    expect(named.stderr).toContain(`copy ${P2} of task backup is damaged`);
  });
});

describe("palhm restore", () => {
  test("round trip through the restore pipelines, db group first, hooks in order", async () => {
    await using tmp = tempDir("restore-cli");
    const { root, out, config, hooksLog } = await project(tmp.dir);
    await sampleCopy(tmp.dir, root, P1);
    await sampleCopy(tmp.dir, root, P2);

    const r = await palhm(config, "restore", "backup", "--object", "files.tar.zst", "--object=db/all.sql");
    expect(r.stderr).toContain(`restored 2 object(s) of copy ${P2}`);
    expect(r.status).toBe(0);
    expect(await readFile(join(out, "restored.sql"))).toEqual(await readFile(join(tmp.dir, "db.sql")));
    expect(await readFile(join(out, "tree/src/sub/file.txt"), "utf8")).toBe(`tree of ${P2}\n`);
    expect(r.stderr.indexOf("restoring db/all.sql")).toBeLessThan(r.stderr.indexOf("restoring files.tar.zst"));
    expect(await readFile(hooksLog, "utf8")).toBe(["pre", "inspect", "post", "finally"].map((s) => `restore ${s} ${P2}\n`).join(""));
  });

  test("all objects by default: the one without a restore pipeline is named, exit 2, nothing runs", async () => {
    await using tmp = tempDir("restore-cli");
    const { root, out, config, hooksLog } = await project(tmp.dir);
    await sampleCopy(tmp.dir, root, P1);
    const r = await palhm(config, "restore", "backup");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no restore pipeline for object os-release/);
    expect(await readdir(out)).toEqual(["tree"]);
    expect(await Bun.file(hooksLog).exists()).toBe(false);
  });

  test("a corrupted object stops the restore before anything is applied, exit 1; error and finally hooks run", async () => {
    await using tmp = tempDir("restore-cli");
    const { root, out, config, hooksLog } = await project(tmp.dir);
    const dir = await sampleCopy(tmp.dir, root, P1);
    const tar = await readFile(join(dir, "files.tar.zst"));
    tar[tar.length - 5]! ^= 0xff;
    await writeFile(join(dir, "files.tar.zst"), tar);

    const r = await palhm(config, "restore", "backup", "--object", "db/all.sql", "--object", "files.tar.zst");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/object files\.tar\.zst of copy .* does not match its manifest \(sha256 expected/);
    expect(await readdir(out)).toEqual(["tree"]);
    expect(await readdir(join(out, "tree"))).toEqual([]);
    expect(await readFile(hooksLog, "utf8")).toBe(["pre", "error", "finally"].map((s) => `restore ${s} ${P1}\n`).join(""));
  });

  test("--stream applies each object as it is read: a round trip, and a damaged object is found once applied, stopping the later ones; not with --to", async () => {
    await using tmp = tempDir("restore-cli");
    const { root, out, config, hooksLog } = await project(tmp.dir);
    const dir = await sampleCopy(tmp.dir, root, P1);

    const ok = await palhm(config, "restore", "backup", "--stream", "--object", "db/all.sql", "--object", "files.tar.zst");
    expect(ok.status).toBe(0);
    expect(await readFile(join(out, "restored.sql"))).toEqual(await readFile(join(tmp.dir, "db.sql")));
    expect(await readFile(join(out, "tree/src/sub/file.txt"), "utf8")).toBe(`tree of ${P1}\n`);

    // One flipped byte in the db dump, before its end: it reaches the pipeline, then the restore fails and the files group never runs.
    await rm(join(out, "restored.sql"));
    await rm(join(out, "tree"), { recursive: true });
    await mkdir(join(out, "tree"));
    await writeFile(hooksLog, "");
    const sql = await readFile(join(dir, "db/all.sql"));
    sql[10]! ^= 0x01;
    await writeFile(join(dir, "db/all.sql"), sql);
    const bad = await palhm(config, "restore", "backup", "--stream", "--object", "db/all.sql", "--object", "files.tar.zst");
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/object db\/all\.sql of copy .* does not match its manifest \(sha256 expected .*\), found while it was being applied \(--stream\); nothing more is applied/);
    expect(await readFile(join(out, "restored.sql"))).toEqual(sql); // applied: the price of --stream
    expect(await readdir(join(out, "tree"))).toEqual([]);
    expect(await readFile(hooksLog, "utf8")).toBe(["pre", "inspect", "error", "finally"].map((s) => `restore ${s} ${P1}\n`).join(""));

    const withTo = await palhm(config, "restore", "backup", "--stream", "--to", join(tmp.dir, "x"));
    expect(withTo.status).toBe(2);
    expect(withTo.stderr).toContain("--stream applies to restore pipelines");
  });

  test("--to DIR writes files, refuses to overwrite (exit 2), --force replaces", async () => {
    await using tmp = tempDir("restore-cli");
    const { root, config } = await project(tmp.dir);
    await sampleCopy(tmp.dir, root, P1);
    const to = join(tmp.dir, "files");

    const first = await palhm(config, "restore", "backup", "--to", to);
    expect(first.status).toBe(0);
    expect(await readFile(join(to, "db/all.sql"))).toEqual(await readFile(join(tmp.dir, "db.sql")));
    expect((await readdir(to)).sort()).toEqual(["db", "files.tar.zst", "os-release"]);

    await writeFile(join(to, "os-release"), "mine");
    const again = await palhm(config, "restore", "backup", "--to", to);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/refusing to overwrite/);
    expect(again.stderr).not.toContain("USAGE"); // a refusal, not a malformed command line
    expect(await readFile(join(to, "os-release"), "utf8")).toBe("mine");

    const forced = await palhm(config, "restore", "backup", "--to", to, "--force", "--object", "os-release");
    expect(forced.status).toBe(0);
    expect(await readFile(join(to, "os-release"), "utf8")).toBe("ID=test\n");
  });

  test("an incomplete copy is refused; a legacy copy restores with a warning", async () => {
    await using tmp = tempDir("restore-cli");
    const { root, config } = await project(tmp.dir);
    await sampleCopy(tmp.dir, root, P1, "legacy");
    await sampleCopy(tmp.dir, root, P2, "incomplete");
    const to = join(tmp.dir, "files");

    const none = await palhm(config, "restore", "backup", "--to", to);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/no complete copy.*--copy/);
    const incomplete = await palhm(config, "restore", "backup", "--copy", P2, "--to", to);
    expect(incomplete.status).toBe(2);
    expect(incomplete.stderr).toMatch(/incomplete/);

    const legacy = await palhm(config, "restore", "backup", "--copy", P1, "--to", to, "--object", "os-release");
    expect(legacy.status).toBe(0);
    expect(legacy.stderr).toMatch(/legacy copy \(no manifest\): its objects cannot be verified/);
    expect(await readFile(join(to, "os-release"), "utf8")).toBe("ID=test\n");
  });
});
