import { describe, expect, test } from "bun:test";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { openCopies } from "../../src/copies/open.ts";
import type { ResolvedBackupTask } from "../../src/config/resolved.ts";
import { TaskError, VerifyError } from "../../src/errors.ts";
import { SelectionError } from "../../src/restore/errors.ts";
import { runRestore, type RestoreOptions } from "../../src/restore/restore.ts";
import { exec, localTask, makeCopy, obj, recordingHooks, runContext, sh } from "./_fixtures.ts";
import { tempDir } from "../_support/tmp.ts";

const P1 = "2022-05-01T06:59:17+00:00";
const P2 = "2022-05-02T06:59:17+00:00";

async function restore(task: ResolvedBackupTask, options: RestoreOptions = {}, ctx = runContext(task)) {
  const backend = await openCopies(task.backend, { taskId: task.id, log: ctx.log, signal: ctx.signal });
  return runRestore(ctx, task, backend, options);
}

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a failure");
}

describe("restore through pipelines (localfs)", () => {
  test("a tar | zstd tree and a database dump come back byte-identical, in group order", async () => {
    await using root = tempDir("restore-root");
    await using src = tempDir("restore-src");
    await using out = tempDir("restore-out");
    await mkdir(join(src.dir, "etc/app"), { recursive: true });
    await writeFile(join(src.dir, "etc/app/app.conf"), "listen 8080\n");
    await writeFile(join(src.dir, "blob.bin"), crypto.getRandomValues(new Uint8Array(300_000)));
    const tarball = await sh(`tar -cf - -C '${src.dir}' . | zstd -q -c`);
    const dump = new TextEncoder().encode("CREATE TABLE t (x int);\nINSERT INTO t VALUES (1);\n".repeat(1000));
    await makeCopy(root.dir, P1, { "old.sql": new TextEncoder().encode("old") });
    await makeCopy(root.dir, P2, { "files.tar.zst": tarball, "db/all.sql": dump });
    const order = join(out.dir, "order");
    const task = localTask(root.dir, [
      obj("files.tar.zst", [exec("zstd", "-d", "-q", "-c"), exec("tar", "-xf", "-", "-C", join(out.dir, "tree"))], "files"),
      obj("db/all.sql", [exec("sh", "-c", `echo db >> '${order}'; cat > '${join(out.dir, "restored.sql")}'`)]),
    ]);
    (task as { groups: unknown }).groups = [{ id: "default", depends: [] }, { id: "files", depends: ["default"] }];
    await mkdir(join(out.dir, "tree"));

    const result = await restore(task);

    expect(result.prefix).toBe(P2);
    expect(result.verified).toBe(true);
    expect(result.objects.map((o) => o.path)).toEqual(["db/all.sql", "files.tar.zst"]);
    expect(await readFile(join(out.dir, "restored.sql"))).toEqual(Buffer.from(dump));
    expect(await readFile(join(out.dir, "tree/etc/app/app.conf"), "utf8")).toBe("listen 8080\n");
    expect(await readFile(join(out.dir, "tree/blob.bin"))).toEqual(await readFile(join(src.dir, "blob.bin")));
  });

  test("one corrupted byte is detected before anything is applied", async () => {
    await using root = tempDir("restore-root");
    await using out = tempDir("restore-out");
    const good = new TextEncoder().encode("first object\n");
    const dump = new TextEncoder().encode("INSERT INTO t VALUES (1);\n");
    const dir = await makeCopy(root.dir, P1, { "a.sql": good, "b.sql": dump });
    const bad = Buffer.from(dump);
    bad[3]! ^= 0x01;
    await writeFile(join(dir, "b.sql"), bad);
    const task = localTask(root.dir, [
      obj("a.sql", [exec("sh", "-c", `cat > '${join(out.dir, "a")}'`)]),
      obj("b.sql", [exec("sh", "-c", `cat > '${join(out.dir, "b")}'`)]),
    ]);

    const e = await failure(restore(task));

    expect(e).toBeInstanceOf(VerifyError);
    expect(e.message).toContain("b.sql");
    expect(e.message).toMatch(/sha256 expected [0-9a-f]{64}, got [0-9a-f]{64}/);
    expect(await readdir(out.dir)).toEqual([]); // not even the good object was applied
  });

  test("a truncated object names both sizes; a missing one names the object", async () => {
    await using root = tempDir("restore-root");
    const dir = await makeCopy(root.dir, P1, { "a.sql": new TextEncoder().encode("0123456789"), "b.sql": new Uint8Array(3) });
    const task = localTask(root.dir, [obj("a.sql", [exec("true")]), obj("b.sql", [exec("true")])]);
    await writeFile(join(dir, "a.sql"), "01234");
    expect((await failure(restore(task))).message).toMatch(/a\.sql.*truncated: size expected 10 bytes, got 5/);
    await Bun.file(join(dir, "a.sql")).delete();
    const e = await failure(restore(task, { objects: ["a.sql"] }));
    expect(e).toBeInstanceOf(TaskError);
    expect(e.message).toContain("a.sql");
  });

  test("a failing restore process fails the restore with its exit code", async () => {
    await using root = tempDir("restore-root");
    await makeCopy(root.dir, P1, { "a.sql": new TextEncoder().encode("x") });
    const task = localTask(root.dir, [obj("a.sql", [exec("sh", "-c", "cat >/dev/null; exit 3")])]);
    const e = await failure(restore(task));
    expect(e.message).toMatch(/exited with code 3/);
    expect(e.message).toContain("a.sql");
  });

  test("objects without a restore pipeline are refused before any hook runs", async () => {
    await using root = tempDir("restore-root");
    await makeCopy(root.dir, P1, { "a.sql": new Uint8Array(1), "os-release": new Uint8Array(1) });
    const calls: string[] = [];
    const task = localTask(root.dir, [obj("a.sql", [exec("true")]), obj("os-release")], recordingHooks(calls));
    const e = await failure(restore(task));
    expect(e).toBeInstanceOf(SelectionError);
    expect(e.message).toContain("os-release");
    expect(calls).toEqual([]);
    expect((await restore(task, { objects: ["a.sql"] })).objects.map((o) => o.path)).toEqual(["a.sql"]);
  });
});

describe("restore hooks", () => {
  test("pre, inspect, post, finally in order on success", async () => {
    await using root = tempDir("restore-root");
    await makeCopy(root.dir, P1, { "a.sql": new Uint8Array(1) });
    const calls: string[] = [];
    await restore(localTask(root.dir, [obj("a.sql", [exec("true")])], recordingHooks(calls)));
    expect(calls).toEqual(["restore pre", "restore inspect", "restore post", "restore finally"]);
  });

  test("a failing inspect hook stops the restore before anything is applied; error and finally still run", async () => {
    await using root = tempDir("restore-root");
    await using out = tempDir("restore-out");
    await makeCopy(root.dir, P1, { "a.sql": new Uint8Array(1) });
    const calls: string[] = [];
    const task = localTask(root.dir, [obj("a.sql", [exec("sh", "-c", `cat > '${join(out.dir, "a")}'`)])], recordingHooks(calls, "inspect"));
    const e = await failure(restore(task));
    expect(e.message).toMatch(/inspect hook refuses/);
    expect(calls).toEqual(["restore pre", "restore inspect", "restore error", "restore finally"]);
    expect(await readdir(out.dir)).toEqual([]);
  });
});

describe("restore --to DIR", () => {
  test("writes verified files, refuses to overwrite, replaces with force", async () => {
    await using root = tempDir("restore-root");
    await using out = tempDir("restore-out");
    const objects = { "db/all.sql": new TextEncoder().encode("dump v2\n"), "os-release": new TextEncoder().encode("ID=debian\n") };
    await makeCopy(root.dir, P1, objects);
    const task = localTask(root.dir, [obj("os-release")]);

    await restore(task, { to: out.dir });
    expect(await readFile(join(out.dir, "db/all.sql"), "utf8")).toBe("dump v2\n");
    expect(await readFile(join(out.dir, "os-release"), "utf8")).toBe("ID=debian\n");
    expect((await readdir(out.dir)).sort()).toEqual(["db", "os-release"]); // no staging left behind

    await writeFile(join(out.dir, "os-release"), "mine");
    const e = await failure(restore(task, { to: out.dir }));
    expect(e).toBeInstanceOf(SelectionError);
    expect(e.message).toMatch(/os-release.*refusing to overwrite/);
    expect(await readFile(join(out.dir, "os-release"), "utf8")).toBe("mine");

    await restore(task, { to: out.dir, force: true });
    expect(await readFile(join(out.dir, "os-release"), "utf8")).toBe("ID=debian\n");
  });

  test("a corrupted object leaves DIR as it was: no file, no staging directory", async () => {
    await using root = tempDir("restore-root");
    await using out = tempDir("restore-out");
    const dir = await makeCopy(root.dir, P1, { "a": new TextEncoder().encode("aaaa"), "z/b": new TextEncoder().encode("bbbb") });
    await writeFile(join(dir, "z/b"), "bbbc");
    const e = await failure(restore(localTask(root.dir, []), { to: out.dir }));
    expect(e).toBeInstanceOf(VerifyError);
    expect(e.message).toContain("z/b");
    expect(await readdir(out.dir)).toEqual([]);
  });
});

describe("copy states", () => {
  test("an incomplete copy is refused, even when named", async () => {
    await using root = tempDir("restore-root");
    await makeCopy(root.dir, P1, { "a.sql": new Uint8Array(1) }, "incomplete");
    const task = localTask(root.dir, [obj("a.sql", [exec("true")])]);
    expect((await failure(restore(task))).message).toMatch(/no complete copy/);
    expect((await failure(restore(task, { copy: P1 }))).message).toMatch(/incomplete/);
  });

  test("a legacy copy is restored only when named, with a warning that it cannot be verified", async () => {
    await using root = tempDir("restore-root");
    await using out = tempDir("restore-out");
    await makeCopy(root.dir, P1, { "a.sql": new TextEncoder().encode("legacy bytes") }, "legacy");
    const task = localTask(root.dir, [obj("a.sql", [exec("sh", "-c", `cat > '${join(out.dir, "a")}'`)])]);
    expect((await failure(restore(task))).message).toMatch(/legacy copies .* --copy/);
    const ctx = runContext(task);
    const result = await restore(task, { copy: P1 }, ctx);
    expect(result.verified).toBe(false);
    const warnings = ctx.lines.filter((l) => l.type === "warn").map((l) => l.text);
    expect(warnings.join("\n")).toMatch(/legacy copy.*cannot be verified/);
    expect(await readFile(join(out.dir, "a"), "utf8")).toBe("legacy bytes");
  });
});

describe("a local copy's object as the restore pipeline's stdin", () => {
  test("the first process reads the object's own file (no pipe through palhm); the bytes and the digest are the object's", async () => {
    await using root = tempDir("restore-root");
    await using out = tempDir("restore-out");
    const data = crypto.getRandomValues(new Uint8Array(3 << 20));
    const dir = await makeCopy(root.dir, P1, { "db.bin": data });
    const stdin = join(out.dir, "stdin-of-first");
    const task = localTask(root.dir, [obj("db.bin", [exec("sh", "-c", `readlink /proc/$$/fd/0 > '${stdin}'; exec cat > '${join(out.dir, "db.bin")}'`)])]);
    const result = await restore(task);
    expect((await readFile(stdin, "utf8")).trim()).toBe(join(dir, "db.bin"));
    expect(await readFile(join(out.dir, "db.bin"))).toEqual(Buffer.from(data));
    expect(result.objects).toEqual([{ path: "db.bin", size: data.byteLength, sha256: new Bun.CryptoHasher("sha256").update(data).digest("hex") }]);
  });
});

describe("an object's file written while its pipeline reads it", () => {
  test("fails the restore as changed, and the next object is not applied", async () => {
    await using root = tempDir("restore-root");
    await using out = tempDir("restore-out");
    const dir = await makeCopy(root.dir, P1, { "a.bin": crypto.getRandomValues(new Uint8Array(1 << 20)), "b.bin": new TextEncoder().encode("second") });
    const file = join(dir, "a.bin");
    // The pipeline itself rewrites one byte of the object it was given, after reading it whole.
    const task = localTask(root.dir, [
      obj("a.bin", [exec("sh", "-c", `cat > '${join(out.dir, "a")}'; chmod u+w '${file}'; printf X | dd of='${file}' bs=1 seek=7 conv=notrunc status=none`)]),
      obj("b.bin", [exec("sh", "-c", `cat > '${join(out.dir, "b")}'`)], "later"),
    ]);
    (task as { groups: unknown }).groups = [{ id: "default", depends: [] }, { id: "later", depends: ["default"] }];
    const err = await failure(restore(task));
    expect(err).toBeInstanceOf(VerifyError);
    expect(err.message).toMatch(/object a\.bin of copy .* changed while it was being restored/);
    expect(await readdir(out.dir)).toEqual(["a"]);
  });
});

describe("a restore pipeline that stops reading early", () => {
  test("is judged by its exit code, not reported as a changed object", async () => {
    await using root = tempDir("restore-root");
    await using out = tempDir("restore-out");
    await makeCopy(root.dir, P1, { "big.bin": crypto.getRandomValues(new Uint8Array(4 << 20)) });
    const task = localTask(root.dir, [obj("big.bin", [exec("sh", "-c", `head -c 10 > '${join(out.dir, "head")}'`)])]);
    const result = await restore(task);
    expect(result.objects[0]!.size).toBe(4 << 20);
    expect((await readFile(join(out.dir, "head"))).length).toBe(10);
  });
});
