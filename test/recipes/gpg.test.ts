/** gpg(): a tree encrypted to a key of a throwaway GnuPG home, and decrypted with it on restore. */
import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { mustRun, runProgram } from "../_support/servers/server.ts";
import { useRecipeProjects, type RecipeProject } from "./_project.ts";

const recipeProject = useRecipeProjects();

describe("gpg()", () => {
  test("the copy is an OpenPGP message to the recipient; restore decrypts it with the secret key", async () => {
    const p = recipeProject();
    const home = p.path("gnupg");
    mkdirSync(home, { mode: 0o700 });
    try {
      await roundTrip(p, home);
    } finally {
      // gpg started an agent for this home: stop it.
      await runProgram(["gpgconf", "--homedir", home, "--kill", "gpg-agent"]);
    }
  }, 60_000);
});

/** Backs up a file encrypted to a fresh key, overwrites it, restores it. */
async function roundTrip(p: RecipeProject, home: string): Promise<void> {
  await mustRun(["gpg", "--homedir", home, "--batch", "--passphrase", "", "--quick-gen-key", "palhm test <backup@example.org>", "default", "default", "never"]);
  mkdirSync(p.path("srv/etc"), { recursive: true });
  writeFileSync(p.path("srv/etc/app.conf"), "password = in plain text\n");
  p.config(`export default defineConfig({
  tasks: {
    etc: {
      type: "backup",
      backend: { type: "localfs", root: ${JSON.stringify(p.root)} },
      objects: [files({ path: "etc.tar", paths: ["etc"], directory: ${JSON.stringify(p.path("srv"))}, through: [gzip(), gpg({ recipients: ["backup@example.org"], homedir: ${JSON.stringify(home)} })] })],
    },
  },
});`);
  expect(await p.palhm("-q", "run", "etc")).toMatchObject({ status: 0, stderr: "" });
  const [copy] = p.copies();
  const stored = join(p.root, copy!, "etc.tar.gz.gpg");
  const packets = await mustRun(["gpg", "--homedir", home, "--batch", "--list-packets", stored]);
  expect(packets).toContain(":pubkey enc packet:");

  writeFileSync(p.path("srv/etc/app.conf"), "overwritten\n");
  expect(await p.palhm("-q", "restore", "etc")).toMatchObject({ status: 0, stderr: "" });
  expect(await Bun.file(p.path("srv/etc/app.conf")).text()).toBe("password = in plain text\n");
}
