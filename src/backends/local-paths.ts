import type { ResolvedBackendParam } from "./params.ts";
import { descriptorOf } from "./registry.ts";

/** Directories of this host a backend writes into (what a sandboxed unit must leave writable); none for remote ones. */
export function localPaths(param: ResolvedBackendParam): string[] {
  return descriptorOf(param).writablePaths?.(param) ?? [];
}
