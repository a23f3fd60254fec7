/**
 * Removing a copy, in the order that keeps every intermediate state
 * recognisable: a mark first (so a removal cut short leaves an incomplete
 * copy the next run removes, never a "complete" or legacy one with objects
 * missing), then the manifest, then the objects, the mark last.
 */
import type { Store } from "../backends/store.ts";
import { storeCall } from "./call.ts";
import { encodeMark, newMark } from "./mark.ts";
import { MANIFEST_NAME, MARK_NAME, copyDir, objectKey } from "./names.ts";

/** Removes the copy `prefix` for task `task`, marking it first unless `marked` (its mark is this run's or a dead run's). */
export async function removeCopy(store: Store, prefix: string, task: string, marked: boolean): Promise<void> {
  const mark = objectKey(prefix, MARK_NAME);
  const manifest = objectKey(prefix, MANIFEST_NAME);
  if (!marked) await storeCall(store, "marking for removal", mark, () => store.put(mark, encodeMark(newMark(task, true))));
  await storeCall(store, "removing the manifest", manifest, () => store.remove([manifest]));
  await removeKeys(store, prefix);
}

/** Removes every key of a copy, the mark last, then what the store keeps besides keys (uploads, empty folders). */
export async function removeKeys(store: Store, prefix: string): Promise<void> {
  const dir = copyDir(prefix);
  const mark = objectKey(prefix, MARK_NAME);
  const keys: string[] = [];
  await storeCall(store, "listing", dir, async () => {
    for await (const e of store.list(dir)) if (e.key !== mark) keys.push(e.key);
  });
  const manifest = objectKey(prefix, MANIFEST_NAME);
  keys.sort((a, b) => (a === manifest ? -1 : b === manifest ? 1 : 0));
  if (keys.length) await storeCall(store, "removing", dir, () => store.remove(keys));
  if (store.prune) await storeCall(store, "clearing", dir, () => store.prune!(dir));
  await storeCall(store, "removing the mark", mark, () => store.remove([mark]));
  if (store.prune) await storeCall(store, "clearing", dir, () => store.prune!(dir));
}
