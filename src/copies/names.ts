/**
 * The copy layout, on every store: ROOT/PREFIX/PATH for each object, plus
 * names reserved by palhm inside a copy (first path segment starting with
 * ".palhm-"):
 *   - MARK_NAME: present while the copy is being written or removed (or the
 *     run doing it died). Written first, removed last.
 *   - MANIFEST_NAME: written last; the copy is complete once it is there.
 * A copy with neither is a legacy copy (e.g. made by the original PALHM).
 */
export const MARK_NAME = ".palhm-incomplete";
export const MANIFEST_NAME = ".palhm-manifest.json";
/** First segment of every name palhm keeps inside a copy (mark, manifest, temporary files). */
export const RESERVED_PREFIX = ".palhm-";

/**
 * - complete: the manifest is there and reads as one;
 * - incomplete: a mark and no manifest (being written or removed, or its run died);
 * - legacy: neither (e.g. written by the original PALHM);
 * - damaged: a manifest is there but cannot be read or parsed.
 */
export type CopyState = "complete" | "incomplete" | "legacy" | "damaged";

export interface CopyInfo {
  /** The copy's name under the root, e.g. `2022-05-01T06:59:17+00:00`. */
  readonly prefix: string;
  readonly state: CopyState;
  /** Total bytes of the copy (every stored object, manifest and mark included). */
  readonly size: bigint;
}

/** The store's folder of a copy: `PREFIX/`. */
export const copyDir = (prefix: string): string => `${prefix}/`;
/** The store's key of an object of a copy: `PREFIX/PATH`. */
export const objectKey = (prefix: string, path: string): string => `${prefix}/${path}`;

/** True for names palhm keeps inside a copy besides its objects. */
export function isReservedPath(path: string): boolean {
  return path.startsWith(RESERVED_PREFIX);
}

/** Why an object path would leave the copy or clash with palhm's own names; undefined when it is fine. */
export function objectPathProblem(path: string): string | undefined {
  if (path === "") return "an object path cannot be empty";
  if (path.startsWith("/")) return "an object path must be relative to the copy (no leading /)";
  const segments = path.split("/");
  if (segments.some((s) => s === "")) return "an object path cannot have empty segments (// or a trailing /)";
  if (segments.some((s) => s === "." || s === "..")) return 'an object path cannot have "." or ".." segments';
  if (segments[0]!.startsWith(RESERVED_PREFIX)) {
    return `names starting with "${RESERVED_PREFIX}" are reserved (${MARK_NAME}, ${MANIFEST_NAME})`;
  }
  if (path.includes("\0")) return "an object path cannot contain NUL";
  return undefined;
}

/** A copy's prefix that is taken already (by another run, or a clock that went back). */
export class PrefixTakenError extends Error {
  constructor(readonly prefix: string) {
    super(`copy ${prefix} already exists`);
    this.name = "PrefixTakenError";
  }
}
