/** `palhm install` meeting a file system that refuses: a clear error naming the path, never "internal error". */
import { expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { install } from "../../src/install/install.ts";
import { isPalhmError } from "../../src/errors.ts";
import { fileTempDir } from "../_support/tmp.ts";

const base = fileTempDir("install");

test("a file where PREFIX/share should be a folder is a task error naming the shipped config's folder", () => {
  const destdir = join(base, "root");
  mkdirSync(join(destdir, "usr/local"), { recursive: true });
  writeFileSync(join(destdir, "usr/local/share"), "not a folder");
  const binary = join(base, "palhm");
  writeFileSync(binary, "#!/bin/sh\n");
  let error: unknown;
  try {
    install({ binary, prefix: "/usr/local", destdir, configDir: "/etc/palhm", unitDir: "/etc/systemd/system" });
  } catch (e) {
    error = e;
  }
  expect(isPalhmError(error)).toBe(true);
  expect((error as Error).message).toContain(join(destdir, "usr/local/share/palhm/config"));
});
