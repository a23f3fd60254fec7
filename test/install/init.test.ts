/** `palhm init DIR` meeting a file system that refuses: a task error naming DIR, never "internal error". */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initDir } from "../../src/install/init.ts";
import { TaskError } from "../../src/errors.ts";

const base = mkdtempSync(join(tmpdir(), "palhm-init-"));
afterAll(() => rmSync(base, { recursive: true, force: true }));

test("a DIR that is a file is a task error naming it", () => {
  const dir = join(base, "etc-palhm");
  writeFileSync(dir, "not a folder");
  let error: unknown;
  try {
    initDir(dir);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(TaskError);
  expect((error as Error).message).toStartWith(`cannot set up ${dir}: `);
});
