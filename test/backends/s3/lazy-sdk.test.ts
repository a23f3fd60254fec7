/**
 * Start-up pays only for what runs: commands that do not use an S3 backend
 * never load the AWS SDK, even when the config defines an aws-s3 task.
 * Module loads are recorded by a preload script in the palhm child process.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileTempDir } from "../../_support/tmp.ts";

const ROOT = join(import.meta.dir, "../../..");
const RECORDER = join(import.meta.dir, "fixtures/record-modules.ts");
const dir = fileTempDir("lazy-sdk");
const CONFIG = join(dir, "palhm.config.ts");
writeFileSync(
  CONFIG,
  `import { defineConfig } from "palhm";
export default defineConfig({
  tasks: {
    offsite: {
      type: "backup",
      backend: { type: "aws-s3", bucket: "b", root: "r", endpoint: "http://127.0.0.1:9" },
      objects: [{ path: "a", pipeline: [{ argv: ["echo", "x"] }] }],
    },
  },
});
`,
);

/** Modules a child `bun` process loaded while running `args`, and its exit status. */
async function _loaded(name: string, args: string[]): Promise<{ mods: string[]; status: number }> {
  const out = join(dir, `${name}.txt`);
  const proc = Bun.spawn(["bun", "--preload", RECORDER, ...args], {
    cwd: ROOT,
    env: { ...process.env, PALHM_TEST_MODULES: out },
    stdin: "ignore",
    stdout: "ignore",
    stderr: "ignore",
  });
  const status = await proc.exited;
  return { mods: readFileSync(out, "utf8").split("\n").filter(Boolean), status };
}

const _aws = (mods: string[]) => mods.filter((m) => m.includes("/@aws-sdk/") || m.includes("/@smithy/"));

describe("lazy AWS SDK", () => {
  for (const args of [["config"], ["check"], ["run", "--dry-run", "offsite"], ["mods"]]) {
    test(`palhm ${args.join(" ")} with an aws-s3 task in the config does not load the SDK`, async () => {
      const { mods } = await _loaded(args.join("_"), ["src/cli.ts", "-f", CONFIG, ...args]);
      expect(mods.some((m) => m.endsWith("/src/commands/_registry.ts"))).toBe(true);
      expect(_aws(mods)).toEqual([]);
    });
  }

  test("the recorder does see the SDK once the S3 backend module is imported", async () => {
    const { mods, status } = await _loaded("s3", ["-e", 'await import("./src/backends/s3/store.ts")']);
    expect(status).toBe(0);
    expect(_aws(mods).some((m) => m.includes("/@aws-sdk/client-s3/"))).toBe(true);
  });
});
