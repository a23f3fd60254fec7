import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { runBackup } from "../../src/backup/run.ts";
import { prefixOf } from "../../src/backup/prefix.ts";
import { decodeManifest } from "../../src/backup/manifest.ts";
import { MANIFEST_NAME, MARK_NAME } from "../../src/copies/names.ts";
import { BackendError, ExecError, HookError } from "../../src/errors.ts";
import { VERSION } from "../../src/version.ts";
import { ex, sh } from "../_support/context.ts";
import { isGone } from "../_support/process.ts";
import { hooksWith, localfs, backupContext, task } from "../_support/backup.ts";
import { fileTempDir } from "../_support/tmp.ts";

const base = fileTempDir("backup-run");
let n = 0;
const freshRoot = () => join(base, `root${n++}`);

const sha256 = (p: string) => new Bun.CryptoHasher("sha256").update(readFileSync(p)).digest("hex");
const snapshot = (dir: string) => Object.fromEntries(readdirSync(dir, { recursive: true }).map(String).sort().filter((p) => lstatSync(join(dir, p)).isFile()).map((p) => [p, sha256(join(dir, p))]));

function mkCopy(root: string, prefix: string, state: "complete" | "incomplete" | "legacy", content = "old") {
  mkdirSync(join(root, prefix), { recursive: true });
  writeFileSync(join(root, prefix, "data"), content);
  if (state === "incomplete") writeFileSync(join(root, prefix, MARK_NAME), "{}");
  if (state === "complete") writeFileSync(join(root, prefix, MANIFEST_NAME), JSON.stringify({ format: 1, task: "t", host: "h", prefix, start: "", end: "", version: "0", objects: [] }));
}

describe("backup run", () => {
  test("builds every object into a new copy and writes the manifest last, with sizes and SHA-256", async () => {
    const root = freshRoot();
    const t = task(localfs(root), [
      { path: "etc/os-release.zst", pipeline: [ex(["cat", "/etc/os-release"]), ex(["zstd", "-q"])] },
      { path: "numbers", pipeline: [ex(["seq", "1", "100000"])], allocSize: 10_000_000n },
    ]);
    const { ctx } = backupContext(t);
    const before = new Date().toISOString().slice(0, 19);
    const r = await runBackup(t, ctx);
    const dir = join(root, r.prefix);
    expect(r.location).toBe(dir);
    expect(readdirSync(dir).sort()).toEqual([MANIFEST_NAME, "etc", "numbers"]);
    const m = decodeManifest(readFileSync(join(dir, MANIFEST_NAME)));
    expect(m).toMatchObject({ task: "t", host: hostname(), prefix: r.prefix, version: VERSION });
    expect(m.start.slice(0, 19) >= before && m.end >= m.start).toBe(true);
    expect(m.objects).toEqual(["etc/os-release.zst", "numbers"].map((p) => ({ path: p, size: lstatSync(join(dir, p)).size, sha256: sha256(join(dir, p)) })));
    expect(Bun.spawnSync(["zstd", "-dc", join(dir, "etc/os-release.zst")]).stdout.toString()).toBe(readFileSync("/etc/os-release", "utf8"));
    expect(readFileSync(join(dir, "numbers"), "utf8").split("\n").length).toBe(100001);
    expect(r.objects.map((o) => o.sha256)).toEqual(m.objects.map((o) => o.sha256));
  });

  test("a failing object stops the running ones, rolls the copy back, leaves earlier copies byte for byte", async () => {
    const root = freshRoot();
    const ok = task(localfs(root), [{ path: "a", pipeline: [ex(["seq", "1000"])] }]);
    const first = await runBackup(ok, backupContext(ok).ctx);
    const kept = snapshot(root);
    const fifo = join(root, "..", `fifo${n}`);
    Bun.spawnSync(["mkfifo", fifo]);
    const pidFile = join(base, `pid${n}`);
    const bad = task(localfs(root), [
      // Still running when the other one fails: it tells the failing one to go only once started.
      { path: "slow/long", pipeline: [sh(`echo $$ > "$0"; echo go > "$1"; exec sleep 60`, {}, pidFile, fifo), ex(["cat"])] },
      { path: "fails", pipeline: [sh(`read x < "$0"; echo partial; exit 4`, {}, fifo), ex(["cat"])] },
    ]);
    const t0 = performance.now();
    const e = await runBackup(bad, backupContext(bad, { workers: 2 }).ctx).catch((e) => e);
    expect(e).toBeInstanceOf(ExecError);
    expect(e.message).toContain(`task t, object "fails": \`sh -c 'read x < "$0"; echo partial; exit 4'`);
    expect(e.message).toContain("exited with code 4 (accepted: ==0)");
    expect(e.exitCode).toBe(1);
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(isGone(Number(readFileSync(pidFile, "utf8")))).toBe(true);
    expect(readdirSync(root)).toEqual([first.prefix]);
    expect(snapshot(root)).toEqual(kept);
  });

  test("a taken prefix is never written into: the run waits for a free second", async () => {
    const root = freshRoot();
    const now = Date.now();
    const taken = [prefixOf(new Date(now)), prefixOf(new Date(now + 1000))];
    for (const p of taken) mkCopy(root, p, "legacy", `mine ${p}`);
    const t = task(localfs(root), [{ path: "x", pipeline: [ex(["echo", "new"])] }]);
    const r = await runBackup(t, backupContext(t).ctx);
    expect(r.prefix > taken[1]!).toBe(true);
    for (const p of taken) {
      expect(readdirSync(join(root, p))).toEqual(["data"]);
      expect(readFileSync(join(root, p, "data"), "utf8")).toBe(`mine ${p}`);
    }
  });

  test("leftovers of dead runs are removed; legacy copies and what is not a copy are kept", async () => {
    const root = freshRoot();
    mkCopy(root, "2001-01-01T00:00:00+00:00", "legacy");
    mkCopy(root, "2001-01-02T00:00:00+00:00", "incomplete");
    mkdirSync(join(root, "notes"));
    writeFileSync(join(root, "notes", "keep.txt"), "user data");
    writeFileSync(join(root, "README"), "user data");
    const t = task(localfs(root), [{ path: "x", pipeline: [ex(["echo", "new"])] }]);
    const r = await runBackup(t, backupContext(t).ctx);
    // Named as a dead run's leftover, not as a copy rotation removed.
    expect(r.leftovers).toEqual(["2001-01-02T00:00:00+00:00"]);
    expect(r.removed).toEqual([]);
    expect(readdirSync(root).sort()).toEqual(["2001-01-01T00:00:00+00:00", r.prefix, "README", "notes"].sort());
    expect(readFileSync(join(root, "notes", "keep.txt"), "utf8")).toBe("user data");
  });

  test("rotation keeps nbCopyLimit copies, oldest removed first", async () => {
    const root = freshRoot();
    for (const d of ["01", "02", "03"]) mkCopy(root, `2001-01-${d}T00:00:00+00:00`, "complete");
    const t = task(localfs(root, { nbCopyLimit: 2n }), [{ path: "x", pipeline: [ex(["echo", "new"])] }]);
    const r = await runBackup(t, backupContext(t).ctx);
    expect(r.removed).toEqual(["2001-01-01T00:00:00+00:00", "2001-01-02T00:00:00+00:00"]);
    expect(readdirSync(root).sort()).toEqual(["2001-01-03T00:00:00+00:00", r.prefix]);
  });

  test("a size limit that removes every older copy is warned about loudly", async () => {
    const root = freshRoot();
    mkCopy(root, "2001-01-01T00:00:00+00:00", "complete");
    const t = task(localfs(root, { rootSizeLimit: 100n }), [{ path: "x", pipeline: [ex(["seq", "1000"])] }]);
    const { ctx, lines } = backupContext(t);
    const r = await runBackup(t, ctx);
    expect(readdirSync(root)).toEqual([r.prefix]);
    expect(lines.some((l) => l.type === "warn" && /removes EVERY older copy/.test(l.text))).toBe(true);
  });

  test("a failing inspect hook rolls the copy back; a storage failure names the object", async () => {
    const root = freshRoot();
    const t = task(localfs(root), [{ path: "x", pipeline: [ex(["echo", "y"])] }], [], hooksWith("inspect", () => { throw new Error("not today"); }));
    await expect(runBackup(t, backupContext(t).ctx)).rejects.toBeInstanceOf(HookError);
    expect(readdirSync(root)).toEqual([]);
    const t2 = task(localfs(root), [{ path: "x", pipeline: [ex(["echo", "y"])] }, { path: "x/y", pipeline: [ex(["echo", "z"])] }], [], undefined);
    const e = await runBackup(t2, backupContext(t2, { workers: 1 }).ctx).catch((e) => e);
    expect(e).toBeInstanceOf(BackendError);
    expect(e.message).toContain("not a directory");
    expect(readdirSync(root)).toEqual([]);
  });

  test("an interrupt stops the pipelines, rolls back and rejects with the interrupt", async () => {
    const root = freshRoot();
    const ac = new AbortController();
    const fifo = join(base, `fifo-int${n}`);
    Bun.spawnSync(["mkfifo", fifo]);
    const t = task(localfs(root), [{ path: "x", pipeline: [sh(`echo $$ > "$0"; exec sleep 60`, {}, fifo)] }]);
    const run = runBackup(t, backupContext(t, { signal: ac.signal }).ctx);
    const pid = Number((await Bun.file(fifo).text()).trim());
    const reason = new Error("SIGTERM");
    ac.abort(reason);
    await expect(run).rejects.toBe(reason);
    expect(isGone(pid)).toBe(true);
    expect(readdirSync(root)).toEqual([]);
  });

  test("the null backend reads every byte and stores nothing", async () => {
    const t = task({ type: "null" }, [{ path: "big", pipeline: [ex(["head", "-c", "5000000", "/dev/zero"])] }]);
    const r = await runBackup(t, backupContext(t).ctx);
    const expected = new Bun.CryptoHasher("sha256").update(new Uint8Array(5_000_000)).digest("hex");
    expect(r.objects).toMatchObject([{ path: "big", size: 5_000_000, sha256: expected }]);
    expect(r.removed).toEqual([]);
  });

  test("the null backend still fails on a bad exit code (check tasks)", async () => {
    const t = task({ type: "null" }, [{ path: "dnssec", pipeline: [ex(["printf", ""]), ex(["grep", "."])] }]);
    await expect(runBackup(t, backupContext(t).ctx)).rejects.toThrow("`grep .` exited with code 1 (accepted: ==0)");
  });
});
