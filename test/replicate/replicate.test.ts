/** `palhm run` of a replicate task through the real CLI, localfs to localfs. */
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync, unlinkSync } from "node:fs";
import { tmpfsFor } from "../_support/tmpfs.ts";
import { join } from "node:path";
import { project, type Project } from "../_support/cli.ts";
import { fileTempDir } from "../_support/tmp.ts";

const base = fileTempDir("replicate");

let n = 0;
function _project(opts: { to?: string; copies?: string; bigMiB?: number } = {}): Project & { src: string; dst: string } {
  const dir = join(base, `p${++n}`);
  const src = join(dir, "src");
  const dst = join(dir, "dst");
  const big = opts.bigMiB ? `{ path: "big.bin", pipeline: [{ argv: ["head", "-c", "${opts.bigMiB}M", "/dev/zero"] }] },` : "";
  const p = project(
    dir,
    `{
  tasks: {
    backup: {
      type: "backup",
      backend: { type: "localfs", root: ${JSON.stringify(src)} },
      objects: [
        ${big}
        { path: "rand.bin", pipeline: [{ argv: ["head", "-c", "300000", "/dev/urandom"] }] },
        { path: "etc/hostname.txt", pipeline: [{ argv: ["echo", "web1"] }], restore: [{ argv: ["cat"] }] },
      ],
    },
    offsite: { type: "replicate", from: "backup", to: ${opts.to ?? `{ type: "localfs", root: ${JSON.stringify(dst)} }`} ${opts.copies ? `, copies: ${opts.copies}` : ""} },
  },
}`,
  );
  return { ...p, src, dst };
}

const prefixes = (root: string) => (existsSync(root) ? readdirSync(root).filter((d) => /^\d{4}-/.test(d)).sort() : []);
const manifestOf = (root: string, prefix: string) => JSON.parse(readFileSync(join(root, prefix, ".palhm-manifest.json"), "utf8"));

/** Backups one after another, each in its own second (a prefix is the UTC second of the run). */
async function _backups(p: Project & { src: string }, count: number): Promise<string[]> {
  for (let i = 0; i < count; i++) {
    const before = prefixes(p.src).length;
    const r = await p.run(["run", "backup"]);
    expect(r.status).toBe(0);
    expect(prefixes(p.src).length).toBe(before + 1);
  }
  return prefixes(p.src);
}

describe("replicate task, localfs to localfs", () => {
  test("brings every complete copy the destination lacks, byte for byte, with the manifest last; a second run brings nothing", async () => {
    const p = _project();
    const source = await _backups(p, 3);
    const r = await p.run(["run", "offsite"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("3 copies of task backup replicated");
    expect(prefixes(p.dst)).toEqual(source);
    for (const prefix of source) {
      for (const f of ["rand.bin", "etc/hostname.txt"]) expect(readFileSync(join(p.dst, prefix, f))).toEqual(readFileSync(join(p.src, prefix, f)));
      const m = manifestOf(p.dst, prefix);
      expect(m.task).toBe("offsite");
      expect(m.replicaOf.task).toBe("backup");
      expect(m.objects).toEqual(manifestOf(p.src, prefix).objects);
      expect(existsSync(join(p.dst, prefix, ".palhm-incomplete"))).toBe(false);
    }
    const again = await p.run(["run", "offsite", "--json"]);
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ ok: true, type: "replicate", copies: [], copiesKept: 3 });

    // The replicas are the replicate task's copies: listed, verified and restored by its name.
    const list = await p.run(["list", "offsite", "--json"]);
    expect(JSON.parse(list.stdout).copies.map((c: { prefix: string; state: string }) => `${c.prefix} ${c.state}`)).toEqual(source.map((s) => `${s} complete`));
    const verify = await p.run(["verify", "offsite", "--all"]);
    expect(verify.status).toBe(0);
    const out = join(p.dir, "restored");
    const restore = await p.run(["restore", "offsite", "--to", out]);
    expect(restore.status).toBe(0);
    expect(readFileSync(join(out, "rand.bin"))).toEqual(readFileSync(join(p.src, source.at(-1)!, "rand.bin")));
  });

  test("the destination's own limits: copies it would rotate out at once are never brought, and never re-brought", async () => {
    const p = _project({ to: `{ type: "localfs", root: ${JSON.stringify(join(base, `p${n + 1}`, "dst"))}, nbCopyLimit: 2 }` });
    const source = await _backups(p, 4);
    const r = await p.run(["run", "offsite", "--json"]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.copies.map((c: { prefix: string }) => c.prefix)).toEqual(source.slice(2));
    expect(doc.removed).toEqual([]);
    expect(prefixes(p.dst)).toEqual(source.slice(2));
    // A new source copy: brought, and the oldest replica rotated out; the older source copies stay where they are.
    const newer = (await _backups(p, 1)).at(-1)!;
    const r2 = JSON.parse((await p.run(["run", "offsite", "--json"])).stdout);
    expect(r2.copies.map((c: { prefix: string }) => c.prefix)).toEqual([newer]);
    expect(r2.removed).toEqual([source[2]]);
    expect(prefixes(p.dst)).toEqual([source[3]!, newer]);
    expect(prefixes(p.src).length).toBe(5);
  });

  test('copies: "latest" brings only the newest complete copy', async () => {
    const p = _project({ copies: '"latest"' });
    const source = await _backups(p, 2);
    expect((await p.run(["run", "offsite"])).status).toBe(0);
    expect(prefixes(p.dst)).toEqual([source[1]!]);
  });

  test("incomplete and damaged source copies are skipped with a warning; a legacy copy is replicated and flagged unverified", async () => {
    const p = _project();
    const [good] = await _backups(p, 1);
    // A copy left incomplete by a dead run (its pid is not alive), one whose manifest is garbage, and a legacy one (PALHM's).
    const dead = "2020-01-01T00:00:00+00:00";
    mkdirSync(join(p.src, dead));
    writeFileSync(join(p.src, dead, "rand.bin"), "partial");
    writeFileSync(join(p.src, dead, ".palhm-incomplete"), JSON.stringify({ pid: 999999999, task: "backup", host: "x", start: dead }));
    const damaged = "2020-01-02T00:00:00+00:00";
    mkdirSync(join(p.src, damaged));
    writeFileSync(join(p.src, damaged, "rand.bin"), "x");
    writeFileSync(join(p.src, damaged, ".palhm-manifest.json"), "{ not json");
    const legacy = "2020-01-03T00:00:00+00:00";
    mkdirSync(join(p.src, legacy));
    writeFileSync(join(p.src, legacy, "old.sql"), "legacy dump\n");

    const r = await p.run(["run", "offsite"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`copy ${dead.replace(/\+/g, "\\+")} of task backup is not replicated: incomplete`));
    expect(r.stderr).toMatch(new RegExp(`copy ${damaged.replace(/\+/g, "\\+")} of task backup is not replicated: damaged`));
    expect(r.stderr).toContain(`copy ${legacy} is a legacy copy: replicated, but never verified`);
    expect(prefixes(p.dst)).toEqual([legacy, good!]);
    const m = manifestOf(p.dst, legacy);
    expect(m.unverified).toContain("legacy");
    expect(m.objects).toEqual([{ path: "old.sql", size: 12, sha256: new Bun.CryptoHasher("sha256").update("legacy dump\n").digest("hex") }]);
  });

  test("a corrupted source object fails its copy, naming the object; the replica is rolled back and the other copies are brought", async () => {
    const p = _project();
    const [first, second] = await _backups(p, 2);
    const f = join(p.src, first!, "rand.bin");
    const bytes = readFileSync(f);
    bytes[1000] ^= 0xff;
    writeFileSync(f, bytes);
    const r = await p.run(["run", "offsite"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`object rand.bin of copy ${first}`);
    expect(r.stderr).toContain("does not match its manifest");
    expect(r.stderr).not.toContain("internal error");
    expect(prefixes(p.dst)).toEqual([second!]);
  });

  test("killed mid-replication (SIGKILL): the next run removes the partial replica and brings it again", async () => {
    const p = _project({ bigMiB: 300 });
    const [prefix] = await _backups(p, 1);
    const proc = p.start(["run", "offsite"]);
    const mark = join(p.dst, prefix!, ".palhm-incomplete");
    for (const deadline = Date.now() + 60_000; !existsSync(mark) && Date.now() < deadline; ) await Bun.sleep(2);
    // Stopped as soon as the replica exists: whatever its children still do, palhm cannot commit it any more.
    proc.kill("SIGSTOP");
    proc.kill("SIGKILL");
    await proc.exited;
    expect(existsSync(join(p.dst, prefix!, ".palhm-incomplete"))).toBe(true);
    expect(existsSync(join(p.dst, prefix!, ".palhm-manifest.json"))).toBe(false);

    const r = await p.run(["run", "offsite", "-v"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("an incomplete copy left by a run that died");
    expect(manifestOf(p.dst, prefix!).objects).toEqual(manifestOf(p.src, prefix!).objects);
    expect((await p.run(["verify", "offsite"])).status).toBe(0);
    unlinkSync(join(p.src, prefix!, "big.bin"));
  }, 120_000);
});

describe("a local object into a local replica", () => {
  const full = tmpfsFor(join(base, "full"), "1m");
  test.skipIf(full.cannotMount !== null)("moves in the kernel (cat between the two files): a full destination is cat's own ENOSPC, and the replica is rolled back", async () => {
    const p = _project({ bigMiB: 2, to: `{ type: "localfs", root: ${JSON.stringify(join(full.path, "dst"))} }` });
    await _backups(p, 1);
    const r = await p.run(["run", "offsite"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("replicating object big.bin");
    expect(r.stderr).toMatch(/cat: .*No space left on device/i);
    expect(r.stderr).not.toContain("internal error");
    expect(prefixes(join(full.path, "dst"))).toEqual([]);
  });
});

describe("where copies are", () => {
  test("list shows, per copy of the backup task, the replicate tasks holding it; status shows each task's newest copy", async () => {
    const p = _project({ copies: '"latest"' });
    const [older, newer] = await _backups(p, 2);
    const status = join(p.dir, "status");
    const env = { PALHM_STATUS_DIR: status };
    expect((await p.run(["run", "offsite"], { env })).status).toBe(0);
    const list = JSON.parse((await p.run(["list", "backup", "--json"])).stdout);
    expect(list.copies.map((c: { prefix: string; replicas: string[] }) => [c.prefix, c.replicas])).toEqual([[older, []], [newer, ["offsite"]]]);
    expect((await p.run(["list", "backup"])).stdout).toContain("also at: offsite");
    const st = await p.run(["status", "offsite", "--json"], { env });
    expect(st.status).toBe(0);
    expect(st.stdout).toContain(newer!);
  });
});

describe("replicate task config", () => {
  test.each([
    ['"nothing"', 'tasks.offsite.from: unknown task "nothing"'],
    ['"maint"', 'tasks.offsite.from: task "maint" is not a backup task'],
  ])("from %s is a config error, exit 2", async (from, message) => {
    const dir = join(base, `c${++n}`);
    const p = project(dir, `{ tasks: {
      backup: { type: "backup", backend: { type: "localfs", root: ${JSON.stringify(join(dir, "src"))} }, objects: [{ path: "a", pipeline: [{ argv: ["true"] }] }] },
      maint: { type: "routine", steps: [{ argv: ["true"] }] },
      offsite: { type: "replicate", from: ${from} as "backup", to: { type: "localfs", root: ${JSON.stringify(join(dir, "dst"))} } },
    } }`);
    const r = await p.run(["run", "offsite"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    expect(existsSync(join(dir, "dst"))).toBe(false);
  });

  test("a destination that is the source's own root is a config error, exit 2", async () => {
    const dir = join(base, `c${++n}`);
    const root = JSON.stringify(join(dir, "src"));
    const p = project(dir, `{ tasks: {
      backup: { type: "backup", backend: { type: "localfs", root: ${root} }, objects: [{ path: "a", pipeline: [{ argv: ["true"] }] }] },
      offsite: { type: "replicate", from: "backup", to: { type: "localfs", root: ${root} } },
    } }`);
    const r = await p.run(["run", "offsite"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("tasks.offsite.to: the destination is task \"backup\"'s own root");
  });

  test("--dry-run says what would be brought, from where to where", async () => {
    const p = _project({ copies: "3" });
    const r = await p.run(["run", "offsite", "--dry-run"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("replicate task offsite: the 3 newest complete copies of task backup");
    expect(r.stdout).toContain(`to localfs backend: ${p.dst}`);
  });
});
