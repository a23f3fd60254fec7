/**
 * File modes of what a localfs backup creates: the root, the copy, the
 * sub-directories of object paths get `dmode`; objects and the manifest get
 * `fmode`; whatever the umask palhm runs under. By default nothing is
 * world-readable.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { CLI } from "../_support/cli.ts";
import { tempDir, type TempDir } from "../_support/tmp.ts";

const projects: TempDir[] = [];
afterAll(() => projects.forEach((p) => p.remove()));

const _mode = (path: string) => (statSync(path).mode & 0o7777).toString(8);

/** Runs a backup under `umask` with the given backend mode keys; returns every path created under the root with its mode. */
async function _backupUnder(umask: string, modes: { dmode?: string; fmode?: string }): Promise<{ status: number; stderr: string; root: string; modes: Record<string, string> }> {
  const p = tempDir();
  projects.push(p);
  const root = p.path("var/backups/host");
  p.write({
    "palhm.config.ts": `export default {
  tasks: { backup: { type: "backup", backend: { type: "localfs", root: ${JSON.stringify(root)}, ...${JSON.stringify(modes)} },
    objects: [
      { path: "os-release", pipeline: [{ argv: ["printf", "ID=test"] }] },
      { path: "db/site/dump.sql", pipeline: [{ argv: ["printf", "dump"] }] },
      { path: "db/site/schema.sql", pipeline: [{ argv: ["printf", "schema"] }] },
    ] } },
};`,
  });
  const proc = Bun.spawn(["sh", "-c", `umask ${umask}; exec bun "$0" -q -f palhm.config.ts run backup`, CLI], {
    cwd: p.dir,
    env: { ...process.env, PALHM_LOCK_DIR: p.path("locks"), PALHM_HOOKS: p.path("hooks.d") },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stderr, status] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  const found: Record<string, string> = {};
  if (status === 0) {
    const [copy] = readdirSync(root);
    found["var"] = _mode(p.path("var"));
    found["var/backups"] = _mode(p.path("var/backups"));
    found["ROOT"] = _mode(root);
    for (const rel of ["", "db", "db/site", "os-release", "db/site/dump.sql", "db/site/schema.sql", ".palhm-manifest.json"]) {
      found[`COPY/${rel}`] = _mode(join(root, copy!, rel));
    }
  }
  return { status, stderr, root, modes: found };
}

const _expected = (d: string, f: string) => ({
  var: d, "var/backups": d, ROOT: d,
  "COPY/": d, "COPY/db": d, "COPY/db/site": d,
  "COPY/os-release": f, "COPY/db/site/dump.sql": f, "COPY/db/site/schema.sql": f, "COPY/.palhm-manifest.json": f,
});

describe("file modes of a localfs copy, whatever the umask", () => {
  for (const umask of ["000", "077", "022"]) {
    test(`defaults (dmode 750, fmode 640) under umask ${umask}: nothing world-readable`, async () => {
      const r = await _backupUnder(umask, {});
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.modes).toEqual(_expected("750", "640"));
      for (const mode of Object.values(r.modes)) expect(parseInt(mode, 8) & 0o007).toBe(0);
    });
  }

  test("custom modes tighter than the umask (700/600 under umask 000) are honoured", async () => {
    const r = await _backupUnder("000", { dmode: "700", fmode: "600" });
    expect(r.status).toBe(0);
    expect(r.modes).toEqual(_expected("700", "600"));
  });

  test("custom modes wider than the umask (755/644 under umask 077) are honoured too", async () => {
    const r = await _backupUnder("077", { dmode: "755", fmode: "644" });
    expect(r.status).toBe(0);
    expect(r.modes).toEqual(_expected("755", "644"));
  });

  test("special bits in a custom mode are kept exactly (dmode 2770: setgid directories for a backup group)", async () => {
    const r = await _backupUnder("077", { dmode: "2770", fmode: "660" });
    expect(r.status).toBe(0);
    expect(r.modes).toEqual(_expected("2770", "660"));
  });
});
