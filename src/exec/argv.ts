/** Shell-like rendering of argv and env, for messages and `--dry-run` (nothing is ever run through a shell). */
import type { ResolvedExec } from "./types.ts";
import { isSecretName, MASK, maskArgv, maskUrls } from "../secrets.ts";

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function quoteArg(arg: string): string {
  if (arg !== "" && SAFE.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** `zstd -T0 'a b'` */
export function argvLine(argv: readonly string[]): string {
  return argv.map(quoteArg).join(" ");
}


/** `FOO=bar PGPASSWORD=*** pg_dump db`: the exec as a shell would read it, secrets masked. */
export function execLine(exec: ResolvedExec): string {
  const env = Object.entries(exec.env).map(([k, v]) => `${k}=${isSecretName(k) ? MASK : quoteArg(maskUrls(v))}`);
  return [...env, argvLine(maskArgv(exec.argv))].join(" ");
}
