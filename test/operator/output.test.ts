/**
 * What an operator sees from `palhm run`, `restore`, `list` and `verify`
 * through the real CLI: live progress on a pseudo-terminal only, a summary
 * line at info level, nothing but errors under -q, and `--json` documents that
 * parse even when the command fails.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, palhm } from "../_support/cli.ts";
import { tempDir } from "../_support/tmp.ts";

const p = tempDir();
afterAll(() => p.remove());
const root = p.path("backups");
const env = { PALHM_HOOKS: p.path("no-hooks.d"), PALHM_LOCK_DIR: p.path("locks") };

// 64 MiB through a real pipeline, so a row has bytes and a rate worth showing.
const config = p.write({
  "palhm.config.ts": `import { defineConfig } from "palhm";
const failing = Object.defineProperty(() => { throw new Error("pager unreachable"); }, "name", { value: "alert" });
export default defineConfig({
  tasks: {
    backup: {
      type: "backup",
      backend: { type: "localfs", root: ${JSON.stringify(root)}, nbCopyLimit: 1 },
      objects: [
        { path: "zero.bin", pipeline: [{ argv: ["head", "-c", "67108864", "/dev/zero"] }, { argv: ["cat"] }], restore: [{ argv: ["sh", "-c", "cat > ${p.path("restored.bin")}"] }] },
        { path: "etc/hostname.txt", pipeline: [{ argv: ["echo", "host"] }] },
      ],
    },
    broken: {
      type: "backup",
      backend: { type: "localfs", root: ${JSON.stringify(p.path("broken-root"))} },
      objects: [
        { path: "ok.txt", pipeline: [{ argv: ["echo", "fine"] }] },
        { path: "bad.txt", group: "late", pipeline: [{ argv: ["sh", "-c", "echo partial; exit 3"] }] },
      ],
      objectGroups: [{ id: "late", depends: ["default"] }],
      hooks: { backup: { finally: [failing] } },
    },
  },
});
`,
});

/** Runs the CLI on a pseudo-terminal (util-linux `script`); returns everything the terminal showed. */
async function onTerminal(args: string[]): Promise<{ status: number; screen: string }> {
  const line = ["bun", CLI, ...args].map((a) => `'${a}'`).join(" ");
  const proc = Bun.spawn(["script", "-qfec", line, "/dev/null"], { env: { ...process.env, ...env, COLUMNS: "120" }, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const [screen, status] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  return { status, screen };
}

const ROW = /(running|done)\s+[\d.]+ (B|KiB|MiB)\s+[\d.]+ (B|KiB|MiB|GiB)\/s\s+\d\d:\d\d\s+zero\.bin/;
const copies = (r: string) => readdirSync(r).filter((n) => /^\d{4}-/.test(n));

describe("progress and summary", () => {
  test("a terminal shows a live row per object (state, bytes, rate, elapsed), then the summary", async () => {
    const r = await onTerminal(["-f", config, "run", "backup"]);
    expect(r.status).toBe(0);
    expect(r.screen).toMatch(ROW);
    expect(r.screen).toMatch(/done\s+5 B\s+.*etc\/hostname\.txt/);
    expect(r.screen).toMatch(/task backup: 2 objects, 64\.0 MiB in [\d.]+m?s .*; copy \S+; rotation removed nothing, earlier copies kept/);
  });

  test("without a terminal there is no progress and no ANSI; the summary names what rotation removed", async () => {
    const before = copies(root);
    const r = await palhm(["-f", config, "run", "backup"], { env });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).not.toContain("\x1b[");
    expect(r.stderr).not.toMatch(/\/s\s+\d\d:\d\d/);
    expect(r.stderr).toContain(`rotation removed 1 copy (${before[0]})`);
  });

  test("-q prints nothing on success, on a terminal too", async () => {
    const r = await onTerminal(["-q", "-f", config, "run", "backup"]);
    expect(r.status).toBe(0);
    expect(r.screen).toBe("");
  });

  test("restore on a terminal shows rows for checking and feeding each object", async () => {
    const r = await onTerminal(["-f", config, "restore", "backup", "--object", "zero.bin"]);
    expect(r.status).toBe(0);
    expect(r.screen).toMatch(/done\s+64\.0 MiB\s+[\d.]+ \w+\/s\s+\d\d:\d\d\s+zero\.bin\r?\n/);
    expect(r.screen).toMatch(/done\s+64\.0 MiB\s+[\d.]+ \w+\/s\s+\d\d:\d\d\s+zero\.bin → restore pipeline/);
    expect(readFileSync(p.path("restored.bin")).length).toBe(64 << 20);
  });
});

describe("--json", () => {
  test("run: copy prefix, per-object path/size/sha256/duration, rotation removals", async () => {
    const before = copies(root);
    const r = await palhm(["-f", config, "run", "backup", "--json"], { env });
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ ok: true, task: "backup", type: "backup", removed: before, hookFailures: [] });
    expect(copies(root)).toEqual([doc.prefix]);
    expect(doc.copy).toEqual({ prefix: doc.prefix, location: doc.location, kept: true }); // where a failed run's document has it
    for (const o of doc.objects) {
      const file = join(root, doc.prefix, o.path);
      const sum = Bun.spawnSync(["sha256sum", file]).stdout.toString().split(" ")[0];
      expect(o.sha256).toBe(sum);
      expect(o.size).toBe(readFileSync(file).length);
      expect(Number.isInteger(o.durationMs) && o.durationMs >= 0).toBe(true);
    }
    // Whole milliseconds, not 529.36109.
    expect(Number.isInteger(doc.durationMs) && doc.durationMs > 0).toBe(true);
    expect(doc.objects.map((o: { path: string }) => o.path)).toEqual(["zero.bin", "etc/hostname.txt"]);
    expect(r.stderr).not.toContain("\x1b[");
  });

  test("run that fails: exit 1, still one document with the error code, the rolled-back copy and the failed finally hook", async () => {
    const r = await palhm(["-f", config, "run", "broken", "--json"], { env });
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.error).toMatchObject({ code: "EEXEC", object: "bad.txt", exitStatus: 3, argv: ["sh", "-c", "echo partial; exit 3"] });
    expect(doc.copy.kept).toBe(false);
    expect(doc.objects.map((o: { path: string }) => o.path)).toEqual(["ok.txt"]);
    expect(doc.hookFailures).toEqual([expect.objectContaining({ code: "EHOOK", hook: "alert", state: "backup finally" })]);
    expect(doc.hookFailures[0].message).toContain("pager unreachable");
    expect(copies(p.path("broken-root"))).toEqual([]);
    expect(r.stderr).toContain("exit 3");
  });

  test("run of an unknown task: exit 2 and a JSON document naming the config error", async () => {
    const r = await palhm(["-f", config, "run", "nosuch", "--json"], { env });
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, task: "nosuch", error: { code: "ECONFIG" } });
  });

  test("list: the copies; and a document even when the root cannot be read", async () => {
    const r = await palhm(["-f", config, "list", "backup", "--json"], { env });
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(true);
    expect(doc.copies.map((c: { prefix: string }) => c.prefix)).toEqual(copies(root));
    expect(doc.copies[0]).toMatchObject({ state: "complete", objects: 2 });

    p.write({ "not-a-dir": "x", "file-root.config.ts": `export default { tasks: { t: { type: "backup", backend: { type: "localfs", root: ${JSON.stringify(p.path("not-a-dir"))} }, objects: [{ path: "o", pipeline: [{ argv: ["true"] }] }] } } };` });
    const bad = await palhm(["-f", p.path("file-root.config.ts"), "list", "t", "--json"], { env });
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, task: "t", error: { code: expect.stringMatching(/^E/) } });
  });

  test("restore: ok, the copy and each object read back; a failure is a document with ok false", async () => {
    const [prefix] = copies(root);
    const good = await palhm(["-f", config, "restore", "backup", "--object", "etc/hostname.txt", "--to", p.path("restored"), "--json"], { env });
    expect(good.status).toBe(0);
    const doc = JSON.parse(good.stdout);
    expect(doc).toMatchObject({ ok: true, task: "backup", prefix, verified: true, to: p.path("restored") });
    expect(doc.objects).toEqual([{ path: "etc/hostname.txt", size: 5, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    expect(readFileSync(p.path("restored/etc/hostname.txt"), "utf8")).toBe("host\n");

    const bad = await palhm(["-f", config, "restore", "backup", "--copy", "2001-01-01T00:00:00+00:00", "--json"], { env });
    expect(bad.status).not.toBe(0);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, task: "backup", error: { code: expect.stringMatching(/^E/), message: expect.stringContaining("2001-01-01T00:00:00+00:00") } });
  });

  test("verify: ok for an intact copy; a changed object fails with exit 1 and a parseable verdict", async () => {
    const good = await palhm(["-f", config, "verify", "backup", "--json"], { env });
    expect(good.status).toBe(0);
    expect(JSON.parse(good.stdout).ok).toBe(true);
    const [prefix] = copies(root);
    writeFileSync(join(root, prefix!, "etc/hostname.txt"), "HOST\n");
    const bad = await palhm(["-f", config, "verify", "backup", "--json"], { env });
    expect(bad.status).toBe(1);
    const doc = JSON.parse(bad.stdout);
    expect(doc.ok).toBe(false);
    expect(JSON.stringify(doc.copies)).toContain("etc/hostname.txt");
  });
});
