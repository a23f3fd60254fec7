/**
 * Storage faults around the copy protocol, through the real CLI: a copy that
 * cannot be removed (an immutable file: EPERM) never stops a new backup; a
 * full file system at copy creation or at the manifest write is a clean task
 * failure (one message, rollback, exit 1), never an internal error.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { tmpfsFor } from "../_support/tmpfs.ts";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { copiesOf } from "../_support/copies.ts";
import { faultProject, q, runPalhm, scratch } from "../faults/_support.ts";

const tmp = scratch("copies-faults");
afterAll(() => tmp.dispose());

const chattr = (flag: string, path: string) => Bun.spawnSync(["chattr", flag, path], { stderr: "pipe" });
const probe = (() => {
  const d = tmp.next();
  mkdirSync(d, { recursive: true });
  const f = join(d, "probe");
  Bun.write(f, "x");
  const ok = chattr("+i", f).exitCode === 0;
  if (ok) chattr("-i", f);
  return ok ? null : "chattr +i does not work here (needs root and a file system with attributes)";
})();

const task = (root: string, limit: number, extra = "") =>
  `{ backup: { type: "backup", backend: { type: "localfs", root: ${q(root)}, nbCopyLimit: ${limit} }, objects: [{ path: "data/a.txt", pipeline: [{ argv: ["echo", "a"] }] }]${extra} } }`;

describe("a copy that cannot be removed", () => {
  test.skipIf(probe !== null)(`rotation fails on an immutable file: the new copy is made and kept, exit 1 naming the path and the cause; later runs still back up${probe ? ` (skipped: ${probe})` : ""}`, async () => {
    const d = tmp.next();
    const root = join(d, "root");
    const p = faultProject(d, task(root, 1));
    expect((await runPalhm(p, ["run", "backup"])).status).toBe(0);
    const [stuck] = copiesOf(root);
    const file = join(root, stuck!.prefix, "data/a.txt");
    expect(chattr("+i", file).exitCode).toBe(0);
    try {
      const r = await runPalhm(p, ["run", "backup"]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(file);
      expect(r.stderr).toContain("operation not permitted");
      expect(r.stderr).toContain("is complete and kept");
      expect(r.stderr).not.toContain("internal error");
      expect(r.stderr).not.toMatch(/^\s+at /m);
      const after = copiesOf(root);
      expect(after.map((c) => c.state)).toEqual(["incomplete", "complete"]);
      // The stuck copy is now a leftover the next runs cannot remove either: they still make their copy.
      const again = await runPalhm(p, ["run", "backup"]);
      expect(again.status).toBe(1);
      expect(again.stderr).toContain(file);
      expect(again.stderr).not.toContain("internal error");
      expect(copiesOf(root).filter((c) => c.state === "complete").length).toBe(1); // its own rotation kept the limit
      expect(copiesOf(root).length).toBe(2);
    } finally {
      chattr("-i", file);
    }
    const clean = await runPalhm(p, ["run", "backup"]);
    expect(clean.status).toBe(0);
    expect(clean.stderr).toContain(`removing ${stuck!.prefix}`);
    expect(copiesOf(root).map((c) => c.state)).toEqual(["complete"]);
  }, 60_000);
});

describe("a full file system", () => {
  const { path: mnt, cannotMount } = tmpfsFor(join(tmp.dir, "tmpfs"), "512k");
  const fill = (file: string) => `() => { Bun.spawnSync(["sh", "-c", ${q(`cat /dev/zero > ${file}`)}]); }`;
  const empty = (file: string) => Bun.spawnSync(["rm", "-f", file]);

  test.skipIf(cannotMount !== null)("at copy creation: exit 1 with one message, no copy and nothing else left in the root", async () => {
    const root = join(mnt, "create");
    const filler = join(mnt, "filler-create");
    const p = faultProject(tmp.next(), task(root, 5, `, hooks: { backup: { pre: ${fill(filler)} } }`));
    try {
      const r = await runPalhm(p, ["run", "backup"]);
      expect(r.status).toBe(1);
      expect(r.stderr.toLowerCase()).toContain("no space left on device");
      expect(r.stderr).not.toContain("internal error");
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(existsSync(root) ? readdirSync(root) : []).toEqual([]);
    } finally {
      empty(filler);
    }
  });

  test.skipIf(cannotMount !== null)("at the manifest write: exit 1 with one message, the copy rolled back, the earlier copy intact", async () => {
    const root = join(mnt, "manifest");
    const filler = join(mnt, "filler-manifest");
    const d = tmp.next();
    expect((await runPalhm(faultProject(d, task(root, 5)), ["run", "backup"])).status).toBe(0);
    const before = copiesOf(root);
    const p = faultProject(d, task(root, 5, `, hooks: { backup: { inspect: ${fill(filler)} } }`));
    try {
      const r = await runPalhm(p, ["run", "backup"]);
      expect(r.status).toBe(1);
      expect(r.stderr.toLowerCase()).toContain("no space left on device");
      expect(r.stderr).toContain("manifest");
      expect(r.stderr).not.toContain("internal error");
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(copiesOf(root)).toEqual(before);
      expect(readdirSync(root).filter((n) => n.startsWith("."))).toEqual([]);
    } finally {
      empty(filler);
    }
  });
});
