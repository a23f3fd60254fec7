/**
 * Copies in S3 archive storage classes (GLACIER, DEEP_ARCHIVE), through the
 * real CLI, on the loopback S3 server: s3rver has no archive classes,
 * InvalidObjectState, x-amz-restore nor RestoreObject. The manifest stays
 * readable; verify and restore report every archived object as archived
 * (never "access denied"); `restore --thaw DAYS` asks S3 to thaw them and
 * says when to come back; once thawed, the copy restores and verifies.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startLoopbackS3, type LoopbackS3 } from "../_support/servers/loopback-s3.ts";
import { faultProject, q, runPalhm, scratch } from "../faults/_support.ts";
import { s3Env } from "../_support/servers/s3rver.ts";

const tmp = scratch("archive");
let s3: LoopbackS3;
beforeAll(() => {
  s3 = startLoopbackS3("archive-bucket");
});
afterAll(async () => {
  await s3.stop();
  tmp.dispose();
});

const OBJECTS = ["a.txt", "db/dump.sql", "z.bin"];

function project(root: string, backendExtra: string) {
  const objects = OBJECTS.map((p) => `{ path: ${q(p)}, pipeline: [{ argv: ["echo", ${q(`content of ${p}`)}] }] }`).join(", ");
  return faultProject(
    tmp.next(),
    `{ backup: { type: "backup", backend: { type: "aws-s3", bucket: ${q(s3.bucket)}, root: ${q(root)}, endpoint: ${q(s3.endpoint)}${backendExtra} }, objects: [${objects}] } }`,
  );
}

const keysUnder = (root: string) => [...s3.objects.keys()].filter((k) => k.startsWith(`${root}/`)).sort();
const classOf = (key: string) => s3.objects.get(key)!.storageClass;
const thawRequests = (root: string) => s3.requests.filter((r) => r.method === "POST" && r.query.has("restore") && r.key.startsWith(`${root}/`));

for (const [cls, extra] of [["GLACIER", `, sinkStorageClass: "GLACIER"`], ["DEEP_ARCHIVE", `, rotStorageClass: "DEEP_ARCHIVE"`]] as const) {
  describe(`a copy whose objects are in ${cls} (${extra.slice(2)})`, () => {
    const root = `archive/${cls}`;
    const env = s3Env();
    let p: ReturnType<typeof project>;
    let out: string;
    beforeAll(() => {
      p = project(root, extra);
      out = join(p.dir, "out");
    });

    test("the backup keeps the manifest readable at once (STANDARD), the objects archived", async () => {
      const r = await runPalhm(p, ["run", "backup"], { env });
      expect(r.status).toBe(0);
      const keys = keysUnder(root);
      const manifest = keys.find((k) => k.endsWith("/.palhm-manifest.json"))!;
      expect(classOf(manifest)).toBe("STANDARD");
      expect(keys.filter((k) => k !== manifest).map(classOf)).toEqual(OBJECTS.map(() => cls));
      const list = await runPalhm(p, ["list", "backup"], { env });
      expect(list.status).toBe(0);
      expect(list.stdout).toContain("complete");
    });

    test("verify reports every archived object as archived, not as a permission problem", async () => {
      const r = await runPalhm(p, ["verify", "backup"], { env });
      expect(r.status).toBe(1);
      expect(r.stdout).toContain(`ARCHIVED    3 of 3 objects archived in ${cls}, not readable until thawed: ${OBJECTS.join(", ")}`);
      for (const path of OBJECTS) expect(r.stderr).toContain(`object ${path} is archived in ${cls}`);
      expect(r.stderr + r.stdout).not.toContain("access denied");
      expect(r.stderr).not.toContain("internal error");
    });

    test("restore without --thaw stops before anything runs, naming every archived object and how to thaw them", async () => {
      const before = p.journalLines().length;
      const r = await runPalhm(p, ["restore", "backup", "--to", out], { env });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("3 object(s) are archived and cannot be read until the store thaws them");
      for (const path of OBJECTS) expect(r.stderr).toContain(`${path} (${cls})`);
      expect(r.stderr).toContain("--thaw DAYS");
      expect(r.stderr).not.toContain("access denied");
      expect(p.journalLines().length).toBe(before); // no restore hook ran
      expect(existsSync(out)).toBe(false);
      expect(thawRequests(root)).toEqual([]);
    });

    test("restore --thaw 3 asks S3 to thaw each object (RestoreObject, 3 days) and exits 75 saying when to come back", async () => {
      const r = await runPalhm(p, ["restore", "backup", "--to", out, "--thaw", "3"], { env });
      expect(r.status).toBe(75);
      expect(r.stderr).toContain("the store is thawing 3 archived object(s)");
      expect(r.stderr).toMatch(/come back after \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ and run `palhm restore backup --copy /);
      expect(r.stderr).toContain("stay readable for 3 days");
      const asked = thawRequests(root);
      expect(asked.map((q) => q.key.split("/").slice(3).join("/")).sort()).toEqual(OBJECTS);
      for (const path of OBJECTS) expect(s3.objects.get(keysUnder(root).find((k) => k.endsWith(`/${path}`))!)!.thaw).toEqual({ state: "ongoing", days: 3 });
      expect(existsSync(out)).toBe(false);
    });

    test("asked again while S3 thaws: still 75, the thaw under way is said, not restarted", async () => {
      const r = await runPalhm(p, ["restore", "backup", "--to", out, "--thaw", "3"], { env });
      expect(r.status).toBe(75);
      expect(r.stderr).toContain("thaw already under way");
      const v = await runPalhm(p, ["verify", "backup"], { env });
      expect(v.status).toBe(1);
      expect(v.stderr).toContain("being thawed");
    });

    test("once thawed, the copy restores byte for byte and verifies", async () => {
      s3.finishThaws();
      const r = await runPalhm(p, ["restore", "backup", "--to", out], { env });
      expect(r.status).toBe(0);
      for (const path of OBJECTS) expect(readFileSync(join(out, path), "utf8")).toBe(`content of ${path}\n`);
      expect(readdirSync(out).sort()).toEqual(["a.txt", "db", "z.bin"]);
      const v = await runPalhm(p, ["verify", "backup"], { env });
      expect(v.status).toBe(0);
      expect(v.stdout).toContain("3 objects match the manifest");
    });
  });
}

describe("--thaw", () => {
  test("needs a whole number of days", async () => {
    const p = project("archive/usage", "");
    for (const bad of ["0", "-1", "2.5", "soon"]) {
      const r = await runPalhm(p, ["restore", "backup", `--thaw=${bad}`], { env: s3Env() });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain("--thaw needs a number of days");
    }
  });
});
