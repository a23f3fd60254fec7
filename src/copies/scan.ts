/**
 * What copies a store holds: every key under the root grouped by prefix,
 * each copy's state, and whose it is (the task its manifest or mark names).
 */
import type { Store, StoreEntry } from "../backends/store.ts";
import { KeyNotFoundError } from "../backends/store.ts";
import { decodeManifest, type Manifest } from "../backup/manifest.ts";
import { isPrefix } from "../backup/prefix.ts";
import { BackendError } from "../errors.ts";
import { storeCall } from "./call.ts";
import { decodeMark, type Mark } from "./mark.ts";
import { MANIFEST_NAME, MARK_NAME, isReservedPath, objectKey, type CopyInfo, type CopyState } from "./names.ts";

export interface ScannedCopy extends CopyInfo {
  /** The task its manifest (or, without one, its mark) names; undefined when neither names one: it belongs to the task that finds it. */
  readonly owner?: string;
  /** Objects (reserved names left out), with their path inside the copy, sorted by path. */
  readonly objects: readonly { readonly path: string; readonly size: bigint }[];
  /** Every stored key of the copy, reserved names included. */
  readonly keys: readonly string[];
  /** The mark, if the copy has one (with a manifest too, it is a stray mark left by a run that died after its commit). */
  readonly mark?: Mark;
  readonly manifest?: Manifest;
  /** Why a damaged copy's manifest cannot be used. */
  readonly problem?: string;
}

export interface Scan {
  /** Oldest first. */
  readonly copies: ScannedCopy[];
  /** Folders named as a prefix that hold no key (an earlier version's run died right after creating one). */
  readonly emptyDirs: string[];
}

export async function scanCopies(store: Store): Promise<Scan> {
  const groups = new Map<string, StoreEntry[]>();
  await storeCall(store, "listing", "", async () => {
    for await (const e of store.list("")) {
      const slash = e.key.indexOf("/");
      if (slash < 0) continue;
      const prefix = e.key.slice(0, slash);
      if (!isPrefix(prefix)) continue;
      const g = groups.get(prefix);
      if (g) g.push(e);
      else groups.set(prefix, [e]);
    }
  });
  const dirs = await storeCall(store, "listing", "", () => store.listDirs(""));
  const emptyDirs = dirs.filter((d) => isPrefix(d) && !groups.has(d)).sort();
  const copies: ScannedCopy[] = [];
  for (const prefix of [...groups.keys()].sort()) copies.push(await _copy(store, prefix, groups.get(prefix)!));
  return { copies, emptyDirs };
}

/** One copy, by prefix; null when nothing is stored under it. */
export async function scanCopy(store: Store, prefix: string): Promise<ScannedCopy | null> {
  const entries: StoreEntry[] = [];
  await storeCall(store, "listing", `${prefix}/`, async () => {
    for await (const e of store.list(`${prefix}/`)) entries.push(e);
  });
  return entries.length ? _copy(store, prefix, entries) : null;
}

async function _copy(store: Store, prefix: string, entries: readonly StoreEntry[]): Promise<ScannedCopy> {
  const start = prefix.length + 1;
  const paths = new Set(entries.map((e) => e.key.slice(start)));
  const size = entries.reduce((sum, e) => sum + e.size, 0n);
  const objects = entries
    .map((e) => ({ path: e.key.slice(start), size: e.size }))
    .filter((o) => !isReservedPath(o.path))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const mark = paths.has(MARK_NAME) ? await _readMark(store, prefix) : undefined;
  let manifest: Manifest | undefined;
  let problem: string | undefined;
  let hasManifest = paths.has(MANIFEST_NAME);
  if (hasManifest) {
    try {
      manifest = await readManifest(store, prefix);
    } catch (e) {
      if (e instanceof KeyNotFoundError) hasManifest = false; // removed since the listing
      else problem = (e as Error).message;
    }
  }
  const state: CopyState = manifest ? "complete" : hasManifest ? "damaged" : mark ? "incomplete" : "legacy";
  const owner = manifest?.task ?? mark?.task;
  return {
    prefix, state, size, objects, keys: entries.map((e) => e.key),
    ...(owner !== undefined ? { owner } : {}),
    ...(mark ? { mark } : {}),
    ...(manifest ? { manifest } : {}),
    ...(problem ? { problem } : {}),
  };
}

/** The copy's manifest; a BackendError naming the file when it cannot be read or parsed; KeyNotFoundError when it is gone. */
export async function readManifest(store: Store, prefix: string): Promise<Manifest> {
  const key = objectKey(prefix, MANIFEST_NAME);
  const bytes = await storeCall(store, "reading the manifest", key, async () => new Uint8Array(await new Response(await store.read(key)).arrayBuffer()));
  try {
    return decodeManifest(bytes);
  } catch (e) {
    throw new BackendError(`${store.location(key)}: ${(e as Error).message}`);
  }
}

async function _readMark(store: Store, prefix: string): Promise<Mark> {
  const key = objectKey(prefix, MARK_NAME);
  try {
    return decodeMark(new Uint8Array(await new Response(await store.read(key)).arrayBuffer()));
  } catch {
    return {}; // gone since the listing, or unreadable: it says nothing
  }
}
