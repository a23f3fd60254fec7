/**
 * Re-reads a copy and checks every object against its manifest: size and
 * SHA-256 of what is stored, objects the manifest names but the copy lacks,
 * and objects the copy holds but the manifest does not name.
 */
import type { Copies } from "../copies/copies.ts";
import type { CopyState } from "../copies/names.ts";
import type { CopyReader } from "../copies/reader.ts";
import { UsageError } from "../errors.ts";
import { digestStream, mismatch } from "./hash-stream.ts";
import { pickCopy } from "./select.ts";
import { log } from "../log.ts";

export type ObjectStatus = "ok" | "corrupt" | "missing" | "extra";

export interface ObjectVerdict {
  readonly path: string;
  readonly status: ObjectStatus;
  readonly expected?: { readonly size: number; readonly sha256: string };
  readonly actual?: { readonly size: number; readonly sha256?: string };
  /** For `corrupt`: what differs, in words. */
  readonly problem?: string;
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
  const objects: ObjectVerdict[] = [];
  for (const expected of manifest.objects) {
    const want = { size: expected.size, sha256: expected.sha256 };
    if (!stored.has(expected.path)) {
      objects.push({ path: expected.path, status: "missing", expected: want });
      continue;
    }
    const actual = await digestStream(await copy.read(expected.path), { signal });
    const problem = mismatch(expected, actual);
    objects.push({ path: expected.path, status: problem ? "corrupt" : "ok", expected: want, actual, ...(problem ? { problem } : {}) });
  }
  const named = new Set(manifest.objects.map((o) => o.path));
  for (const [path, size] of stored) {
    if (!named.has(path)) objects.push({ path, status: "extra", actual: { size: Number(size) } });
  }
  return { ...base, verified: true, ok: objects.every((o) => o.status === "ok"), objects };
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
  if (v.ok) return line("ok", `${n} object${n === 1 ? "" : "s"} match the manifest`);
  return line("FAILED", v.objects.filter((o) => o.status !== "ok").map((o) => `${o.path} ${o.status}`).join(", "));
}
