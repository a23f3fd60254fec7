/**
 * A key given at restore time: an argument `{identity}` in a restore pipeline
 * (age's `--identity {identity}`) stands for the file named by
 * `palhm restore --identity FILE`, else by the exec's own `PALHM_IDENTITY`
 * (set by the config), else by palhm's environment `PALHM_IDENTITY`. The key
 * never has to be on the host until the day it is needed.
 */
import { accessSync, constants } from "node:fs";
import type { ResolvedExec, ResolvedObject } from "../config/resolved.ts";
import { SelectionError } from "./errors.ts";

/** The argument replaced by the identity file. */
export const IDENTITY_ARG = "{identity}";
/** The variable naming a default identity file. */
export const IDENTITY_ENV = "PALHM_IDENTITY";

function _exec(exec: ResolvedExec, path: string, given: string | undefined): ResolvedExec {
  if (!exec.argv.includes(IDENTITY_ARG)) return exec;
  const file = given ?? exec.env[IDENTITY_ENV] ?? process.env[IDENTITY_ENV];
  if (!file) {
    throw new SelectionError(
      `object ${path} is restored through \`${exec.argv[0]}\`, which needs a private key: give it with --identity FILE (or ${IDENTITY_ENV}=FILE)`,
    );
  }
  try {
    accessSync(file, constants.R_OK);
  } catch (e) {
    throw new SelectionError(`identity file ${file} (for the restore of ${path}) cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return { ...exec, argv: exec.argv.map((a) => (a === IDENTITY_ARG ? file : a)) };
}

/** The objects with `{identity}` replaced in their restore pipelines; refuses (exit 2), before anything runs, when one needs it and none is known or it cannot be read. */
export function withIdentity(objects: ReadonlyMap<string, ResolvedObject>, given: string | undefined): Map<string, ResolvedObject> {
  return new Map(
    [...objects].map(([path, o]) => [path, o.restore ? { ...o, restore: o.restore.map((e) => _exec(e, path, given)) } : o]),
  );
}
