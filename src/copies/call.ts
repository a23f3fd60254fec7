/** Store calls as the copy layer makes them: any failure of a store becomes a BackendError naming what was being done where. */
import { isPalhmError, BackendError } from "../errors.ts";
import type { Store } from "../backends/store.ts";

export async function storeCall<T>(store: Store, what: string, key: string, fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw storeError(store, what, key, e);
  }
}

/** A store's failure as a diagnosis; PalhmErrors (a store's own BackendErrors) pass unchanged. */
export function storeError(store: Store, what: string, key: string, e: unknown): unknown {
  if (isPalhmError(e)) return e;
  if (e instanceof Error && (e.name === "KeyNotFoundError" || e.name === "KeyExistsError" || e.name === "KeyArchivedError" || e.name === "AbortError")) return e;
  let where: string;
  try {
    where = store.location(key);
  } catch {
    where = key;
  }
  const why = e instanceof Error ? e.message : String(e);
  return new BackendError(`${where}: ${what} failed: ${why}`, { cause: e });
}
