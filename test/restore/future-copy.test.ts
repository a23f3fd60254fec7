// Issue 13 item 10 through the real CLI: a copy named in the future (a clock that was wrong) is flagged by list,
// never taken as "latest" by verify and restore without saying so, and rotation neither removes nor counts it.
import { expect, test } from "bun:test";
import { cpSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { palhm } from "../_support/cli.ts";
import { fileTempDir } from "../_support/tmp.ts";

const FUTURE = "9999-12-31T23:59:59+00:00";
const dir = fileTempDir("future-copy");

test("a copy dated 9999-12-31 is flagged, passed over as latest with a warning, and takes no rotation slot", async () => {
  const root = join(dir, "b");
  const file = join(dir, "palhm.config.ts");
  writeFileSync(
    file,
    `import { defineConfig } from "palhm";\nexport default defineConfig({ statusDir: ${JSON.stringify(join(dir, "st"))}, tasks: { backup: { type: "backup", backend: { type: "localfs", root: ${JSON.stringify(root)}, nbCopyLimit: 2 }, objects: [{ path: "data", pipeline: [{ argv: ["echo", "today"] }] }] } } });\n`,
  );
  const run = (...args: string[]) => palhm(["-f", file, ...args], { env: { PALHM_HOOKS: join(dir, "no-hooks") } });
  expect((await run("run", "backup")).status).toBe(0);
  const [real] = readdirSync(root);
  cpSync(join(root, real!), join(root, FUTURE), { recursive: true });

  const list = await run("list", "backup", "--json");
  expect(JSON.parse(list.stdout).copies.map((c: { prefix: string; future?: boolean }) => [c.prefix, c.future === true])).toEqual([[real, false], [FUTURE, true]]);
  expect((await run("list", "backup")).stdout).toContain(`${FUTURE}  complete  1 object`);

  const verify = await run("verify", "backup", "--json");
  expect(verify.status).toBe(0);
  expect(JSON.parse(verify.stdout).copies.map((c: { prefix: string }) => c.prefix)).toEqual([real]);
  expect(verify.stderr).toContain(`copy ${FUTURE} is dated in the future`);

  const out = join(dir, "restored");
  const restore = await run("restore", "backup", "--to", out);
  expect(restore.status).toBe(0);
  expect(restore.stderr).toContain(`using ${real}, the latest copy dated before now`);
  expect(readFileSync(join(out, "data"), "utf8")).toBe("today\n");

  // nbCopyLimit 2: two real copies are kept besides the future one, which is kept and named loudly
  for (let i = 0; i < 2; i++) {
    const r = await run("run", "backup");
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`dated in the future under ${root}: ${FUTURE}`);
  }
  const left = readdirSync(root).sort();
  expect(left).toHaveLength(3);
  expect(left.at(-1)).toBe(FUTURE);
  expect(left).not.toContain(real);
}, 60_000);
