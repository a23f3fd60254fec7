/**
 * Re-reads a copy and checks every object against its manifest: size and
 * SHA-256 of what is stored, objects the manifest names but the copy lacks,
 * and objects the copy holds but the manifest does not name.
 */
import type { CopyReader, CopyState } from "../backends/types.ts";
import { digestStream, mismatch } from "./hash-stream.ts";

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
  /** false when the copy could not be checked (no manifest: legacy or incomplete). */
  readonly verified: boolean;
  /** true when verified and every object matches, none missing, none extra. */
  readonly ok: boolean;
  readonly objects: readonly ObjectVerdict[];
}

export async function verifyCopy(copy: CopyReader, signal?: AbortSignal): Promise<CopyVerdict> {
  const base = { prefix: copy.prefix, location: copy.location, state: copy.state };
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
