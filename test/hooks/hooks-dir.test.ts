import { afterEach, describe, expect, test } from "bun:test";
import { chmodSync, chownSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { byteOrder, distrust, RefusedHookPath, scanHooksDir } from "../../src/hooks/hooks-dir.ts";
import { recorder, sandbox, type Sandbox } from "./_fixture.ts";

const euid = process.geteuid!();
let sb: Sandbox;
afterEach(() => sb?.cleanup());

describe("trust of a hooks.d entry", () => {
  test("accepts root or the invoking user as owner, with no group/other write bit", () => {
    expect(distrust({ uid: 0, mode: 0o100755 }, 1000)).toBeNull();
    expect(distrust({ uid: 1000, mode: 0o100700 }, 1000)).toBeNull();
  });
  test("refuses another owner, naming the uid", () => {
    expect(distrust({ uid: 65534, mode: 0o100755 }, 1000)).toContain("owned by uid 65534");
  });
  test("refuses group- or other-writable modes, showing the mode", () => {
    expect(distrust({ uid: 0, mode: 0o100775 }, 0)).toBe("writable by group (mode 0775)");
    expect(distrust({ uid: 0, mode: 0o100757 }, 0)).toBe("writable by others (mode 0757)");
  });
  test("name order is byte order, not locale order", () => {
    expect(byteOrder(["b", "B", "10-x", "9-y", "a", "é"])).toEqual(["10-x", "9-y", "B", "a", "b", "é"]);
  });
});

describe("scanning hooks.d", () => {
  test("a missing directory means no hooks", async () => {
    sb = sandbox();
    expect(await scanHooksDir(join(sb.root, "nope"))).toEqual([]);
  });

  test("lists executables in name order, skipping *.sig, non-executables and directories", async () => {
    sb = sandbox();
    const b = sb.script("20-b", recorder("b"));
    const a = sb.script("10-a", recorder("a"));
    sb.script("10-a.sig", recorder("sig"));
    sb.script("15-plain", recorder("plain"), 0o644);
    mkdirSync(join(sb.hooksDir, "12-dir"), { mode: 0o755 });
    expect(await scanHooksDir(sb.hooksDir)).toEqual([a, b]);
  });

  test.each([
    ["group-writable", 0o775, "writable by group"],
    ["other-writable", 0o757, "writable by others"],
  ])("refuses a %s executable, naming it", async (_, mode, reason) => {
    sb = sandbox();
    sb.script("10-ok", recorder("ok"));
    const bad = sb.script("20-bad", recorder("bad"), mode);
    const err = await scanHooksDir(sb.hooksDir).catch((e) => e);
    expect(err).toBeInstanceOf(RefusedHookPath);
    expect(err.path).toBe(bad);
    expect(err.message).toContain(reason);
  });

  test("refuses an executable owned by another user", async () => {
    sb = sandbox();
    const bad = sb.script("10-nobody", recorder("x"));
    chownSync(bad, 65534, 65534);
    const err = await scanHooksDir(sb.hooksDir, euid).catch((e) => e);
    expect(err.path).toBe(bad);
    expect(err.message).toContain("owned by uid 65534");
  });

  test("refuses a directory writable by others even if its entries are fine", async () => {
    sb = sandbox();
    sb.script("10-ok", recorder("ok"));
    chmodSync(sb.hooksDir, 0o777);
    const err = await scanHooksDir(sb.hooksDir).catch((e) => e);
    expect(err.path).toBe(sb.hooksDir);
  });

  test("a symlink is judged by its target", async () => {
    sb = sandbox();
    const good = join(sb.root, "good");
    writeFileSync(good, recorder("good"), { mode: 0o755 });
    chmodSync(good, 0o755);
    symlinkSync(good, join(sb.hooksDir, "10-good"));
    expect(await scanHooksDir(sb.hooksDir)).toEqual([join(sb.hooksDir, "10-good")]);

    const bad = join(sb.root, "bad");
    writeFileSync(bad, recorder("bad"));
    chmodSync(bad, 0o777);
    symlinkSync(bad, join(sb.hooksDir, "20-bad"));
    const err = await scanHooksDir(sb.hooksDir).catch((e) => e);
    expect(err.path).toBe(join(sb.hooksDir, "20-bad"));
    expect(err.message).toContain("writable by others");
  });

  test("a dangling symlink is skipped like a non-executable", async () => {
    sb = sandbox();
    symlinkSync(join(sb.root, "missing"), join(sb.hooksDir, "10-dangling"));
    expect(await scanHooksDir(sb.hooksDir)).toEqual([]);
  });
});
