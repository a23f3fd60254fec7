/**
 * Nothing outside src/backends/ branches on a backend's type name: code asks
 * the backend's descriptor. The only other places that may name a type are
 * the PALHM JSON schema and translation (PALHM names a backend by a string).
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

const SRC = join(import.meta.dir, "../../src");
const NAMES = ['"localfs"', '"aws-s3"', '"rclone"', '"null"'];
const ALLOWED = [/^backends\//, /^config\/json-schema\.ts$/, /^config\/palhm-json[^/]*\.ts$/];
/** `"null"` as the text of JSON's null value (a YAML or issue rendering), not a backend. */
const NULL_VALUE = /=== null(\) return | \? )"null"/;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}

describe("backend type names", () => {
  test('"localfs", "aws-s3", "rclone" and "null" appear nowhere outside src/backends/ and the PALHM JSON schema and translation', () => {
    const found: string[] = [];
    for (const file of files(SRC)) {
      const rel = relative(SRC, file);
      if (ALLOWED.some((re) => re.test(rel))) continue;
      readFileSync(file, "utf8").split("\n").forEach((line, i) => {
        for (const name of NAMES) {
          if (line.includes(name) && !(name === '"null"' && NULL_VALUE.test(line))) found.push(`src/${rel}:${i + 1}: ${line.trim()}`);
        }
      });
    }
    expect(found).toEqual([]);
  });
});
