/** SIGINT/SIGTERM during a restore: children stopped, partial `--to` output removed, exit 130/143. */
import { describe, expect, test } from "bun:test";
import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { makeCopy } from "./_fixtures.ts";
import { tempDir } from "../_support/tmp.ts";
import { startPalhm } from "../_support/cli.ts";
import { alive } from "../_support/process.ts";

const P1 = "2022-05-01T06:59:17+00:00";

/** A file appearing is the only event a child process can give us here: poll for it, with a deadline. */
async function appears(path: string, deadlineMs = 20_000): Promise<string> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const f = Bun.file(path);
    if (await f.exists()) {
      const text = await f.text();
      if (text.endsWith("\n")) return text.trim();
    }
    if (Date.now() > end) throw new Error(`${path} did not appear`);
    await Bun.sleep(20);
  }
}


async function project(dir: string) {
  const root = join(dir, "root");
  await makeCopy(root, P1, { "db.sql": new TextEncoder().encode("INSERT 1;\n"), "etc/hosts": new TextEncoder().encode("127.0.0.1 localhost\n") }, "complete", "backup");
  const config = join(dir, "palhm.config.ts");
  const pidFile = join(dir, "child.pid");
  const inspected = join(dir, "inspected");
  await writeFile(
    config,
    `import { writeFileSync } from "node:fs";
import { defineConfig } from "palhm";
export default defineConfig({
  hooksDir: ${JSON.stringify(dir)},
  tasks: {
    backup: {
      type: "backup",
      backend: { type: "localfs", root: ${JSON.stringify(root)} },
      objects: [
        // The restore process reads its input, says it is there, then never ends on its own.
        { path: "db.sql", pipeline: [{ argv: ["true"] }], restore: [{ argv: ["sh", "-c", ${JSON.stringify(`cat >/dev/null; echo $$ > '${pidFile}'; exec sleep 1000`)}] }] },
        { path: "etc/hosts", pipeline: [{ argv: ["true"] }] },
      ],
      hooks: { restore: { inspect: (ctx) => {
        if (!process.env.HOLD_INSPECT) return;
        writeFileSync(${JSON.stringify(inspected)}, "yes\\n");
        return new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)));
      } } },
    },
  },
});
`,
  );
  return { config, pidFile, inspected };
}

describe("interrupting a restore", () => {
  test("SIGINT while a restore pipeline runs: the child is stopped, exit 130", async () => {
    await using tmp = tempDir("restore-int");
    const { config, pidFile } = await project(tmp.dir);
    const p = startPalhm(["-f", config, "restore", "backup", "--object", "db.sql"]);
    const child = Number(await appears(pidFile));
    expect(alive(child)).toBe(true);
    p.kill("SIGINT");
    const [code, stderr] = await Promise.all([p.exited, new Response(p.stderr).text()]);
    expect(code).toBe(130);
    expect(stderr).toContain("interrupted by SIGINT");
    expect(alive(child)).toBe(false);
  });

  test("SIGTERM while --to files wait for the inspect hooks: nothing lands in DIR, the staging directory is removed, exit 143", async () => {
    await using tmp = tempDir("restore-int");
    const { config, inspected } = await project(tmp.dir);
    const to = join(tmp.dir, "out");
    const p = startPalhm(["-f", config, "restore", "backup", "--to", to], { env: { HOLD_INSPECT: "1" } });
    await appears(inspected);
    expect((await readdir(to)).filter((n) => n.startsWith(".palhm-restore-"))).toHaveLength(1);
    p.kill("SIGTERM");
    expect(await p.exited).toBe(143);
    expect(await readdir(to)).toEqual([]);
  });
});
