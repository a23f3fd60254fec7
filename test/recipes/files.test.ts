/**
 * files(): a directory tree with what a plain copy loses (POSIX ACLs,
 * extended attributes, symbolic links, modes, odd names) archived, removed,
 * and restored the same, in place or into another directory.
 */
import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { mustRun } from "../_support/servers/server.ts";
import { useRecipeProjects } from "./_project.ts";

const recipeProject = useRecipeProjects();

function makeTree(dir: string): void {
  mkdirSync(join(dir, "www/empty dir"), { recursive: true });
  mkdirSync(join(dir, "www/cache"), { recursive: true });
  writeFileSync(join(dir, "www/index.html"), "<h1>Zoë's \"site\"</h1>\n");
  writeFileSync(join(dir, "www/日本語 file.txt"), "x".repeat(100_000));
  writeFileSync(join(dir, "www/cache/junk.log"), "left out\n");
  writeFileSync(join(dir, "www/secret.key"), "k\n", { mode: 0o600 });
  chmodSync(join(dir, "www/secret.key"), 0o600);
  symlinkSync("index.html", join(dir, "www/home.html"));
}

/** Everything the restore must bring back: paths, types, modes, contents, ACLs and user xattrs. */
async function describeTree(dir: string): Promise<string> {
  const listing = await mustRun(["find", "www", "-printf", "%p %y %m %s %l\\n"], { cwd: dir });
  const sums = await mustRun(["sh", "-c", "find www -type f -print0 | sort -z | xargs -0 sha256sum"], { cwd: dir });
  const acls = await mustRun(["getfacl", "-R", "-p", "www"], { cwd: dir });
  const xattrs = await mustRun(["getfattr", "-R", "-d", "-h", "www"], { cwd: dir });
  return [listing.split("\n").sort().join("\n"), sums, acls, xattrs].join("\n");
}

describe("files()", () => {
  test("ACLs, xattrs, links and modes survive the round trip; excluded files stay out", async () => {
    const p = recipeProject();
    const srv = p.path("srv");
    makeTree(srv);
    await mustRun(["setfacl", "-m", "u:nobody:r", join(srv, "www/index.html")]);
    await mustRun(["setfattr", "-n", "user.palhm", "-v", "kept", join(srv, "www/日本語 file.txt")]);
    p.config(`export default defineConfig({
  tasks: {
    www: {
      type: "backup",
      backend: { type: "localfs", root: ${JSON.stringify(p.root)} },
      objects: [files({ path: "files/www.tar", paths: [${JSON.stringify(join(srv, "www"))}], directory: ${JSON.stringify(srv)}, exclude: ["*.log", ${JSON.stringify(join(srv, "www/empty dir"))}], through: [xz({ level: 1 })] })],
    },
  },
});`);
    const run = await p.palhm("-q", "run", "www");
    expect(run).toMatchObject({ status: 0, stderr: "" });
    rmSync(join(srv, "www/cache/junk.log"));
    rmSync(join(srv, "www/empty dir"), { recursive: true });
    const before = await describeTree(srv);
    expect(before).toContain("user:nobody:r--");
    expect(before).toContain('user.palhm="kept"');

    rmSync(join(srv, "www"), { recursive: true });
    const restore = await p.palhm("-q", "restore", "www");
    expect(restore).toMatchObject({ status: 0, stderr: "" });
    expect(await describeTree(srv)).toBe(before);
  }, 60_000);

  test("restoreTo puts the tree elsewhere, leaving the original alone", async () => {
    const p = recipeProject();
    const srv = p.path("srv");
    makeTree(srv);
    const elsewhere = p.path("elsewhere");
    mkdirSync(elsewhere);
    p.config(`export default defineConfig({
  tasks: {
    www: {
      type: "backup",
      backend: { type: "localfs", root: ${JSON.stringify(p.root)} },
      objects: [files({ path: "www.tar", paths: ["www"], directory: ${JSON.stringify(srv)}, restoreTo: ${JSON.stringify(elsewhere)}, through: [gzip()] })],
    },
  },
});`);
    expect((await p.palhm("-q", "run", "www")).status).toBe(0);
    writeFileSync(join(srv, "www/index.html"), "changed after the copy\n");
    expect((await p.palhm("-q", "restore", "www")).status).toBe(0);
    expect(await Bun.file(join(elsewhere, "www/index.html")).text()).toBe("<h1>Zoë's \"site\"</h1>\n");
    expect(await Bun.file(join(srv, "www/index.html")).text()).toBe("changed after the copy\n");
  }, 60_000);
});
