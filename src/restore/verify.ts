/**
 * Re-reads a copy and checks every object against its manifest: size and
 * SHA-256 of what is stored, objects the manifest names but the copy lacks,
 * and objects the copy holds but the manifest does not name.
 */
import type { Copies } from "../copies/copies.ts";
import type { CopyState } from "../copies/names.ts";
import type { CopyReader } from "../copies/reader.ts";
import { ArchivedError, UsageError } from "../errors.ts";
import { archivedWords } from "../copies/reader.ts";
import { digestObject, mismatch, type Digest } from "./hash-stream.ts";
import { pickCopy } from "./select.ts";
import { log } from "../log.ts";

/** `archived`: stored in an archive storage class and not thawed, so it could not be read (not a fault of the copy). */
export type ObjectStatus = "ok" | "corrupt" | "missing" | "extra" | "archived";

export interface ObjectVerdict {
  readonly path: string;
  readonly status: ObjectStatus;
  readonly expected?: { readonly size: number; readonly sha256: string };
  readonly actual?: { readonly size: number; readonly sha256?: string };
  /** For `corrupt`: what differs, in words; for `archived`: where it is archived. */
  readonly problem?: string;
  /** For `archived`: its storage class and whether a thaw is under way. */
  readonly archived?: { readonly storageClass: string; readonly thawing: boolean };
}

export interface CopyVerdict {
  readonly prefix: string;
  readonly location: string;
  readonly state: CopyState;
  /** false when the copy could not be checked (no manifest: legacy or incomplete; or a damaged one). */
  readonly verified: boolean;
  /** Why a damaged copy could not be checked. */
  readonly problem?: string;
  /** true when verified and every object matches, none missing, none extra. */
  readonly ok: boolean;
  readonly objects: readonly ObjectVerdict[];
}

export async function verifyCopy(copy: CopyReader, signal?: AbortSignal): Promise<CopyVerdict> {
  const base = { prefix: copy.prefix, location: copy.location, state: copy.state };
  if (copy.state === "damaged") {
    const problem = await copy.manifest().then(() => "unreadable manifest", (e: Error) => e.message);
    return { ...base, verified: false, ok: false, problem, objects: [] };
  }
  const manifest = copy.state === "complete" ? await copy.manifest() : null;
  if (!manifest) return { ...base, verified: false, ok: false, objects: [] };

  const stored = new Map((await copy.objects()).map((o) => [o.path, o.size]));
  // Every archived object is found first and reported, instead of the first read of one ending the check.
  const frozen = new Map((await copy.archived()).map((a) => [a.path, a]));
  const objects: ObjectVerdict[] = [];
  for (const expected of manifest.objects) {
    const want = { size: expected.size, sha256: expected.sha256 };
    if (!stored.has(expected.path)) {
      objects.push({ path: expected.path, status: "missing", expected: want });
      continue;
    }
    const archived = frozen.get(expected.path);
    if (archived) {
      objects.push(_archived(expected.path, want, archived));
      continue;
    }
    let actual: Digest;
    try {
      actual = await digestObject(copy, expected.path, signal);
    } catch (e) {
      if (!(e instanceof ArchivedError)) throw e;
      objects.push(_archived(expected.path, want, e.objects[0]!));
      continue;
    }
    const problem = mismatch(expected, actual);
    objects.push({ path: expected.path, status: problem ? "corrupt" : "ok", expected: want, actual, ...(problem ? { problem } : {}) });
  }
  const named = new Set(manifest.objects.map((o) => o.path));
  for (const [path, size] of stored) {
    if (!named.has(path)) objects.push({ path, status: "extra", actual: { size: Number(size) } });
  }
  return { ...base, verified: true, ok: objects.every((o) => o.status === "ok"), objects };
}

function _archived(path: string, expected: ObjectVerdict["expected"], a: { storageClass: string; thawing: boolean }): ObjectVerdict {
  return { path, status: "archived", expected, archived: { storageClass: a.storageClass, thawing: a.thawing }, problem: archivedWords(a) };
}

/** One line per problem of a verified copy (empty when it is fine). */
export function describeProblems(v: CopyVerdict): string[] {
  return v.objects.flatMap((o) => {
    switch (o.status) {
      case "corrupt":
        return [`${v.prefix}: object ${o.path} is corrupt (${o.problem})`];
      case "missing":
        return [`${v.prefix}: object ${o.path} is missing (manifest: ${o.expected!.size} bytes)`];
      case "extra":
        return [`${v.prefix}: object ${o.path} is not in the manifest (${o.actual!.size} bytes)`];
      case "archived":
        return [`${v.prefix}: object ${o.path} ${o.problem}`];
      default:
        return [];
    }
  });
}

/**
 * The copies `palhm verify` checks: the latest complete one (default), the
 * named one, or all of them (incomplete and legacy ones are reported as not
 * verifiable, they do not fail the run).
 */
export async function verifyTask(
  taskId: string,
  copies: Copies,
  options: { copy?: string; all?: boolean; signal?: AbortSignal },
): Promise<CopyVerdict[]> {
  if (options.copy !== undefined && options.all) throw new UsageError("--copy and --all cannot be used together");
  const listed = await copies.listCopies();
  const chosen = options.all ? listed : [pickCopy(taskId, listed, options.copy, (m) => log.warn(m))];
  const verdicts: CopyVerdict[] = [];
  for (const info of chosen) verdicts.push(await verifyCopy(await copies.openCopy(info.prefix), options.signal));
  return verdicts;
}

/** One line per copy: `PREFIX  ok  3 objects`, `PREFIX  FAILED  ...`, `PREFIX  legacy  not verifiable (no manifest)`. */
export function formatVerdict(v: CopyVerdict): string {
  const line = (status: string, what: string) => `${v.prefix}  ${status.padEnd(10)}  ${what}`;
  if (v.state === "damaged") return line("DAMAGED", `manifest unreadable: ${v.problem}`);
  if (!v.verified) return line(v.state, `not verifiable (${v.state === "legacy" ? "no manifest" : "being written, or its run died"})`);
  const n = v.objects.filter((o) => o.status !== "extra").length;
  if (v.ok) return line("ok", `${n} object${n === 1 ? " matches" : "s match"} the manifest`);
  const archived = v.objects.filter((o) => o.status === "archived");
  if (archived.length && archived.length === v.objects.filter((o) => o.status !== "ok" && o.status !== "extra").length) {
    const classes = [...new Set(archived.map((o) => o.archived!.storageClass))].join(", ");
    return line("ARCHIVED", `${archived.length} of ${n} objects archived in ${classes}, not readable until thawed: ${archived.map((o) => o.path).join(", ")}`);
  }
  return line("FAILED", v.objects.filter((o) => o.status !== "ok").map((o) => `${o.path} ${o.status}`).join(", "));
}
