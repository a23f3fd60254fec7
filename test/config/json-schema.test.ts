import { describe, expect, test } from "bun:test";
import * as v from "valibot";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { palhmJsonSchema } from "../../src/config/json-schema.ts";
import { parseJsonc } from "../../src/config/jsonc.ts";
import { translatePalhmJson } from "../../src/config/palhm-json.ts";
import { resolveConfig } from "../../src/config/resolve.ts";
import { palhm } from "../_support/cli.ts";

const SAMPLE = `{
  "$schema": "./palhm.schema.json",
  "include": ["conf.d/core.json"],
  "modules": ["aws"], "nb-workers": 0, "vl": 3,
  "execs": [ { "id": "grep-any", "argv": ["/bin/grep", "."] } ],
  "tasks": [
    { "id": "backup", "type": "backup", "backend": "aws-s3",
      "backend-param": { "profile": "default", "bucket": "palhm.test", "root": "/palhm/backup", "sink-storage-class": "STANDARD", "rot-storage-class": "GLACIER", "nb-copy-limit": "Infinity" },
      "object-groups": [ { "id": "sql" } ],
      "objects": [ { "path": "a", "group": "sql", "alloc-size": 268435456, "pipeline": [ { "type": "exec-inline", "argv": ["/bin/true"] }, { "type": "exec", "exec-id": "grep-any" } ] } ] },
    { "id": "default", "type": "routine", "routine": [ { "type": "task", "task-id": "backup" }, { "type": "builtin", "builtin-id": "sigmask", "param": [ { "action": "block", "sig": ["TERM"] } ] } ] }
  ],
  "boot-report": { "mua": "aws-sns", "mua-param": { "region": "us-east-1" }, "mail-to": ["arn:aws:sns:us-east-1:000000000000:t"] }
}`;

describe("the PALHM JSON schema", () => {
  test("accepts what the loader accepts, and the loader accepts $schema", () => {
    const doc = parseJsonc(SAMPLE, "sample.json");
    expect(v.safeParse(palhmJsonSchema, doc).success).toBe(true);
    const { config } = translatePalhmJson(doc);
    expect(resolveConfig([{ source: "sample.json", config }], { env: {} }).tasks.size).toBe(2);
  });

  test("accepts the rclone backend (not PALHM's), which the loader takes too", () => {
    const doc = JSON.parse(JSON.stringify(parseJsonc(SAMPLE, "s")));
    doc.tasks[0].backend = "rclone";
    doc.tasks[0]["backend-param"] = { remote: "offsite:backups/web1", config: "/etc/palhm/rclone.conf", flags: ["--bwlimit", "20M"], "nb-copy-limit": 7 };
    expect(v.safeParse(palhmJsonSchema, doc).success).toBe(true);
    const { config } = translatePalhmJson(doc);
    const task = resolveConfig([{ source: "s.json", config }], { env: {} }).tasks.get("backup");
    expect(task).toMatchObject({ backend: { type: "rclone", remote: "offsite:backups/web1", flags: ["--bwlimit", "20M"], nbCopyLimit: 7n } });
    doc.tasks[0]["backend-param"].bucket = "b";
    expect(v.safeParse(palhmJsonSchema, doc).success).toBe(false);
  });

  test("rejects a misspelt key and a parameter of another backend, as the loader does", () => {
    const misspelt = { ...(parseJsonc(SAMPLE, "s") as object), "nb-worker": 1 };
    expect(v.safeParse(palhmJsonSchema, misspelt).success).toBe(false);
    const wrong = JSON.parse(JSON.stringify(parseJsonc(SAMPLE, "s")));
    wrong.tasks[0]["backend"] = "localfs";
    expect(v.safeParse(palhmJsonSchema, wrong).success).toBe(false);
  });

  test("accepts PALHM's own sample configs as they are (prefix, block-size, an empty null backend-param)", () => {
    const dir = join(import.meta.dir, "../cli/palhm/samples");
    for (const rel of ["py-sample/sample.jsonc", "py-sample/conf.d/core.json", "py-debug/localfs.jsonc", "py-debug/aws.jsonc", "py-debug/null.jsonc"]) {
      const r = v.safeParse(palhmJsonSchema, parseJsonc(readFileSync(join(dir, rel), "utf8"), rel));
      expect([rel, r.success ? [] : r.issues.map((i) => i.message)]).toEqual([rel, []]);
    }
  });

  test("palhm schema prints it as JSON Schema", async () => {
    const r = await palhm(["schema"]);
    expect(r.status).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.$schema).toContain("json-schema.org");
    expect(Object.keys(schema.properties)).toContain("boot-report");
    expect(schema.additionalProperties).toBe(false);
  });
});
