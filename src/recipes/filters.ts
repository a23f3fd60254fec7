/**
 * Filters with their inverses: compressors and encrypters a recipe's output
 * goes through (`through: [zstd(), age({...})]`), so the restore pipeline is
 * derived, never written twice.
 */
import type { ExecDef } from "../config/types.ts";
import { IDENTITY_ARG, IDENTITY_ENV } from "../restore/identity.ts";
import { recipeError, type Filter } from "./object.ts";

function _level(recipe: string, level: number, min: number, max: number): number {
  if (!Number.isInteger(level) || level < min || level > max) throw recipeError(recipe, `level must be a whole number from ${min} to ${max}, got ${level}`);
  return level;
}

function _threads(recipe: string, threads: number): number {
  if (!Number.isInteger(threads) || threads < 0) throw recipeError(recipe, `threads must be a whole number >= 0 (0 = one per core), got ${threads}`);
  return threads;
}

export interface ZstdOptions {
  /** Compression level, 1 to 22 (above 19 uses `--ultra`). @default 3 */
  level?: number;
  /** Worker threads; 0 = one per core. @default 0 */
  threads?: number;
}

/** zstd: `zstd -q -3 -T0`, restored by `zstd -d -q`. Suffix `.zst`. */
export function zstd(options: ZstdOptions = {}): Filter {
  const level = _level("zstd", options.level ?? 3, 1, 22);
  const threads = _threads("zstd", options.threads ?? 0);
  return {
    suffix: ".zst",
    encode: { argv: ["zstd", "-q", ...(level > 19 ? ["--ultra"] : []), `-${level}`, `-T${threads}`] },
    decode: { argv: ["zstd", "-d", "-q"] },
  };
}

export interface XzOptions {
  /** Compression preset, 0 to 9. @default 6 */
  level?: number;
  /** Worker threads; 0 = one per core. @default 0 */
  threads?: number;
}

/** xz: `xz -6 -T0`, restored by `xz -d`. Suffix `.xz`. */
export function xz(options: XzOptions = {}): Filter {
  const level = _level("xz", options.level ?? 6, 0, 9);
  const threads = _threads("xz", options.threads ?? 0);
  return { suffix: ".xz", encode: { argv: ["xz", `-${level}`, `-T${threads}`] }, decode: { argv: ["xz", "-d"] } };
}

export interface GzipOptions {
  /** Compression level, 1 to 9. @default 6 */
  level?: number;
}

/** gzip: `gzip -6 -n`, restored by `gzip -d`. Suffix `.gz`. */
export function gzip(options: GzipOptions = {}): Filter {
  const level = _level("gzip", options.level ?? 6, 1, 9);
  return { suffix: ".gz", encode: { argv: ["gzip", `-${level}`, "-n"] }, decode: { argv: ["gzip", "-d"] } };
}

export interface AgeOptions {
  /** Public keys (`age1...`, or SSH public keys) the backup is encrypted to. */
  recipients?: readonly string[];
  /** Files of public keys, one per line (`age --recipients-file`). */
  recipientsFile?: string | readonly string[];
  /**
   * The private key file used on restore when `palhm restore --identity FILE`
   * is not given. Leave it out to keep the key off the host: it is then needed
   * only at restore time.
   */
  identity?: string;
}

/**
 * age (https://age-encryption.org): `age --encrypt --recipient ...`, restored
 * by `age --decrypt --identity FILE` with FILE from `palhm restore --identity`,
 * this filter's `identity`, or `$PALHM_IDENTITY`. Suffix `.age`.
 */
export function age(options: AgeOptions): Filter {
  const recipients = options.recipients ?? [];
  const files = typeof options.recipientsFile === "string" ? [options.recipientsFile] : (options.recipientsFile ?? []);
  if (recipients.length + files.length === 0) throw recipeError("age", "needs recipients or a recipientsFile to encrypt to");
  const decode: ExecDef = { argv: ["age", "--decrypt", "--identity", IDENTITY_ARG] };
  return {
    suffix: ".age",
    encode: { argv: ["age", "--encrypt", ...recipients.flatMap((r) => ["--recipient", r]), ...files.flatMap((f) => ["--recipients-file", f])] },
    decode: options.identity === undefined ? decode : { ...decode, env: { [IDENTITY_ENV]: options.identity } },
  };
}

export interface GpgOptions {
  /** Key ids, fingerprints or addresses the backup is encrypted to. */
  recipients: readonly string[];
  /** GnuPG home directory (`--homedir`). @default ~/.gnupg (or $GNUPGHOME) */
  homedir?: string;
}

/**
 * GnuPG public-key encryption: `gpg --encrypt --recipient ...`, restored by
 * `gpg --decrypt`, which needs the secret key in the keyring (a passphrase
 * through gpg-agent). Suffix `.gpg`.
 */
export function gpg(options: GpgOptions): Filter {
  if (options.recipients.length === 0) throw recipeError("gpg", "needs at least one recipient");
  const common = ["--batch", "--quiet", ...(options.homedir === undefined ? [] : ["--homedir", options.homedir])];
  return {
    suffix: ".gpg",
    encode: { argv: ["gpg", ...common, "--trust-model", "always", "--encrypt", ...options.recipients.flatMap((r) => ["--recipient", r])] },
    decode: { argv: ["gpg", ...common, "--decrypt"] },
  };
}
