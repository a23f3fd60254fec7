// Retention by age through the real CLI, on localfs and on S3 (s3rver): `palhm rotate --dry-run` shows every
// copy with keep/remove and why, `palhm rotate` removes what it showed, and `palhm run` rotates with the keep rules.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { palhm } from "../_support/cli.ts";
import { prefixOf } from "../../src/backup/prefix.ts";
import { log } from "../../src/log.ts";
import { openS3Store } from "../../src/backends/s3/store.ts";
import { s3Param, startS3rver, type RunningS3 } from "../_support/servers/s3rver.ts";
import { oracle } from "./_restic-oracle.ts";
import type { KeepPolicy } from "../../src/backup/retention.ts";

const DAY = 86_400_000;
const FUTURE = "2099-01-01T00:00:00+00:00";
const KEEP = { daily: 3, weekly: 2 };
const policy: KeepPolicy = { last: 0, hourly: 0, daily: 3, weekly: 2, monthly: 0, yearly: 0, within: null, timeZone: "UTC" };
const dir = mkdtempSync(join(tmpdir(), "palhm-rotate-cli-"));
let s3: RunningS3;
beforeAll(async () => {
  s3 = await startS3rver("rotate-bucket");
});
afterAll(async () => {
  await s3.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** 20 daily copies at midnight UTC, 1 to 20 days ago, with days 5 and 9 missing: legacy copies (PALHM's own layout). */
function history(): number[] {
  const today = Math.floor(Date.now() / DAY) * DAY;
  return Array.from({ length: 20 }, (_, i) => today - (i + 1) * DAY).filter((_, i) => i !== 4 && i !== 8).reverse();
}

interface Backend {
  readonly name: string;
  readonly param: string;
  seed(prefixes: string[]): Promise<void>;
  prefixes(): Promise<string[]>;
  env: Record<string, string>;
}

const localRoot = join(dir, "local");
const backends: [string, () => Backend][] = [
  ["localfs", () => ({
    name: "localfs",
    param: `{ type: "localfs", root: ${JSON.stringify(localRoot)}, keep: ${JSON.stringify({ ...KEEP, timeZone: "UTC" })} }`,
    async seed(prefixes) {
      for (const p of prefixes) {
        mkdirSync(join(localRoot, p), { recursive: true });
        writeFileSync(join(localRoot, p, "data"), `copy ${p}\n`);
      }
    },
    async prefixes() {
      return readdirSync(localRoot).sort();
    },
    env: {},
  })],
  ["aws-s3 (s3rver)", () => {
    const param = s3Param(s3, { root: "hosts/web1" });
    return {
      name: "aws-s3 (s3rver)",
      param: `{ type: "aws-s3", bucket: ${JSON.stringify(s3.bucket)}, root: "hosts/web1", endpoint: ${JSON.stringify(s3.endpoint)}, keep: ${JSON.stringify({ ...KEEP, timeZone: "UTC" })} }`,
      async seed(prefixes) {
        const store = await openS3Store(param, log);
        for (const p of prefixes) await store.put(`${p}/data`, new TextEncoder().encode(`copy ${p}\n`));
        await store.close?.();
      },
      async prefixes() {
        const store = await openS3Store(param, log);
        const keys: string[] = [];
        for await (const e of store.list("")) keys.push(e.key);
        await store.close?.();
        return [...new Set(keys.map((k) => k.split("/")[0]!))].sort();
      },
      env: { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER", AWS_REGION: "us-east-1" },
    };
  }],
];

for (const [name, make] of backends) {
  describe(`retention by age on ${name}`, () => {
    test("rotate --dry-run shows every copy with keep/remove and the rule; rotate removes those; run keeps by the rules", async () => {
      const b = make();
      const file = join(dir, `${b.name.split(" ")[0]}.config.ts`);
      writeFileSync(
        file,
        `import { defineConfig } from "palhm";\nexport default defineConfig({ statusDir: ${JSON.stringify(join(dir, "status"))}, tasks: { backup: { type: "backup", backend: ${b.param}, objects: [{ path: "data", pipeline: [{ argv: ["echo", "new"] }] }] } } });\n`,
      );
      const run = (args: string[]) => palhm(["-f", file, ...args], { env: { PALHM_HOOKS: join(dir, "no-hooks"), ...b.env } });
      const times = history();
      const seeded = [...times.map((t) => prefixOf(new Date(t))), FUTURE];
      await b.seed(seeded);

      const dry = await run(["rotate", "backup", "--dry-run", "--json"]);
      expect(dry.status).toBe(0);
      const plan = JSON.parse(dry.stdout);
      expect(plan.copies.map((c: { prefix: string }) => c.prefix)).toEqual(seeded.sort());
      const expected = oracle(times, policy);
      expect(plan.copies.filter((c: { action: string }) => c.action === "keep").map((c: { prefix: string }) => c.prefix)).toEqual([...expected, FUTURE]);
      for (const c of plan.copies) expect(c.reasons.length).toBeGreaterThan(0);
      expect(plan.copies.find((c: { prefix: string }) => c.prefix === FUTURE).reasons[0]).toContain("future");
      expect(plan.copies.find((c: { prefix: string }) => c.prefix === expected.at(-1)).reasons).toEqual(["new copy", "daily", "weekly"]);
      expect(plan.future).toEqual([FUTURE]);
      expect(dry.stderr).toContain("dated in the future");
      expect(await b.prefixes()).toEqual(seeded.sort()); // nothing removed

      const text = await run(["rotate", "backup", "--dry-run"]);
      expect(text.stdout).toContain("keep 3 daily, 2 weekly (UTC)");
      expect(text.stdout).toMatch(new RegExp(`${seeded[0]!.replace(/[+]/g, "\\+")}\\s+legacy\\s+\\S+ \\S+\\s+remove\\s+no keep rule`));

      expect((await run(["run", "--dry-run", "backup"])).stdout).toContain("keep 3 daily, 2 weekly (UTC)");

      const real = await run(["rotate", "backup"]);
      expect(real.status).toBe(0);
      expect(await b.prefixes()).toEqual([...expected, FUTURE]);

      // a run makes today's copy; its rotation keeps by the same rules (the future copy stays, uncounted)
      const r = await run(["run", "backup"]);
      expect(r.status).toBe(0);
      const after = (await b.prefixes()).filter((p) => p !== FUTURE);
      const now = after.at(-1)!;
      expect(Date.parse(now)).toBeGreaterThan(Date.now() - 10 * 60_000);
      expect(after).toEqual(oracle([...expected.map((p) => Date.parse(p)), Date.parse(now)], policy));
      expect((await b.prefixes()).includes(FUTURE)).toBe(true);
      expect(r.stderr).toContain("dated in the future");
    }, 60_000);
  });
}
