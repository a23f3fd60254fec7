import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { LocalfsStore } from "../../src/backends/localfs/store.ts";
import { Copies } from "../../src/copies/copies.ts";
import { MANIFEST_NAME, MARK_NAME, PrefixTakenError } from "../../src/copies/names.ts";
import type { Manifest } from "../../src/backup/manifest.ts";
import { BackendError } from "../../src/errors.ts";
import { log } from "../../src/log.ts";
import { fileTempDir } from "../_support/tmp.ts";

const base = fileTempDir("localfs");

const ctx = { taskId: "t", log };
const P1 = "2022-05-01T06:59:17+00:00";
const P2 = "2022-05-02T06:59:17+00:00";
let root: string;
let backend: Copies;
let n = 0;
let umask: number;

beforeEach(async () => {
  umask = process.umask(0); // permissive: modes must come from dmode/fmode, not the umask
  root = join(base, `r${n++}`, "backups");
  backend = new Copies(new LocalfsStore({ root, dmode: 0o750, fmode: 0o640 }), ctx);
});
afterEach(() => void process.umask(umask));

const mode = (p: string) => lstatSync(p).mode & 0o777;
const manifest = (prefix: string, objects: Manifest["objects"] = []): Manifest => ({
  format: 1, task: "t", host: "h", prefix, start: "s", end: "e", version: "0", objects,
});

async function store(prefix: string, files: Record<string, string>, allocSize?: bigint) {
  const w = await backend.createCopy(prefix);
  for (const [path, text] of Object.entries(files)) {
    const sink = await w.openSink(path, allocSize === undefined ? {} : { sizeHint: allocSize });
    await sink.write(new TextEncoder().encode(text));
    await sink.close();
  }
  return w;
}

describe("localfs store under the copy protocol", () => {
  test("a new copy is marked first, with who writes it, and is listed as incomplete", async () => {
    await backend.createCopy(P1);
    const mark = JSON.parse(readFileSync(join(root, P1, MARK_NAME), "utf8"));
    expect(mark.pid).toBe(process.pid);
    expect(mark.host).toBe(hostname());
    expect(await backend.listCopies()).toEqual([{ prefix: P1, state: "incomplete", size: BigInt(readFileSync(join(root, P1, MARK_NAME)).length) }]);
  });

  test("the root, copy and sub-directories get dmode 750 and files fmode 640 under umask 000", async () => {
    const w = await store(P1, { "db/sql/all.sql": "x", "top": "y" });
    await w.commit(manifest(P1));
    expect(mode(root)).toBe(0o750);
    expect(mode(join(root, P1))).toBe(0o750);
    expect(mode(join(root, P1, "db"))).toBe(0o750);
    expect(mode(join(root, P1, "db/sql"))).toBe(0o750);
    expect(mode(join(root, P1, "db/sql/all.sql"))).toBe(0o640);
    expect(mode(join(root, P1, MANIFEST_NAME))).toBe(0o640);
  });

  test("commit writes the manifest and removes the mark; the reader sees the objects", async () => {
    const w = await store(P1, { "a.txt": "hello", "d/b.txt": "world!" });
    await w.commit(manifest(P1, [{ path: "a.txt", size: 5, sha256: "0".repeat(64) }]));
    expect(readdirSync(join(root, P1)).sort()).toEqual([MANIFEST_NAME, "a.txt", "d"]);
    const r = await backend.openCopy(P1);
    expect(r.state).toBe("complete");
    expect((await r.manifest())?.objects[0]?.path).toBe("a.txt");
    expect(await r.objects()).toEqual([{ path: "a.txt", size: 5n }, { path: "d/b.txt", size: 6n }]);
    expect(await new Response(await r.read("d/b.txt")).text()).toBe("world!");
    await expect(r.read("nope")).rejects.toBeInstanceOf(BackendError);
    const size = 5n + 6n + BigInt(lstatSync(join(root, P1, MANIFEST_NAME)).size);
    expect(await backend.listCopies()).toEqual([{ prefix: P1, state: "complete", size }]);
  });

  test("allocSize preallocates where the file system allows, and the object ends as long as what was written", async () => {
    const w = await backend.createCopy(P1);
    const sink = await w.openSink("big", { sizeHint: 1_000_000n });
    const probe = join(root, "probe");
    const canPreallocate = Bun.spawnSync(["fallocate", "-l", "1000000", probe]).exitCode === 0;
    rmSync(probe, { force: true });
    if (canPreallocate) expect(lstatSync(join(root, P1, "big")).blocks * 512).toBeGreaterThanOrEqual(1_000_000);
    await sink.write(new TextEncoder().encode("abc"));
    await sink.close();
    await w.commit(manifest(P1));
    expect(lstatSync(join(root, P1, "big")).size).toBe(3);
    expect(lstatSync(join(root, P1, "big")).blocks * 512).toBeLessThan(1_000_000);
  });

  test("an existing prefix is refused, never written into", async () => {
    await store(P1, { a: "first" });
    await expect(backend.createCopy(P1)).rejects.toBeInstanceOf(PrefixTakenError);
    expect(readFileSync(join(root, P1, "a"), "utf8")).toBe("first");
  });

  test("only real directories named as prefixes are copies; a copy with neither mark nor manifest is legacy", async () => {
    mkdirSync(join(root, "notes"), { recursive: true });
    mkdirSync(join(root, P2));
    writeFileSync(join(root, P2, "old.tar"), "1234");
    symlinkSync(join(root, P2), join(root, "2022-05-03T00:00:00+00:00"));
    writeFileSync(join(root, "2022-05-04T00:00:00+00:00"), "a file");
    expect(await backend.listCopies()).toEqual([{ prefix: P2, state: "legacy", size: 4n }]);
    await backend.removeCopy("notes");
    await backend.removeCopy("2022-05-03T00:00:00+00:00");
    expect(existsSync(join(root, "notes"))).toBe(true);
    expect(existsSync(join(root, P2, "old.tar"))).toBe(true);
  });

  test("object paths cannot escape the copy, not even through a link planted in it", async () => {
    const outside = join(base, `outside${n}`);
    mkdirSync(outside);
    const w = await backend.createCopy(P1);
    symlinkSync(outside, join(root, P1, "evil"));
    await expect(w.openSink("evil/x", {})).rejects.toBeInstanceOf(BackendError);
    await expect(w.openSink("../x", {})).rejects.toBeInstanceOf(BackendError);
    await expect(w.openSink("a//x", {})).rejects.toBeInstanceOf(BackendError);
    symlinkSync(join(outside, "f"), join(root, P1, "f"));
    await expect(w.openSink("f", {})).rejects.toBeInstanceOf(BackendError);
    expect(readdirSync(outside)).toEqual([]);
  });

  test("rollback removes the whole copy and nothing else", async () => {
    await (await store(P1, { keep: "k" })).commit(manifest(P1));
    const w = await store(P2, { "x/y": "partial" });
    await w.openSink("open-one", {});
    await w.rollback();
    expect(readdirSync(root)).toEqual([P1]);
    expect(readFileSync(join(root, P1, "keep"), "utf8")).toBe("k");
  });
});
