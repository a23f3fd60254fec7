import type { ResolvedBackendParam } from "../config/resolved.ts";

/** Directories of this host a backend writes into (what a sandboxed unit must leave writable); none for remote ones. */
export function localPaths(param: ResolvedBackendParam): string[] {
  return param.type === "localfs" ? [param.root] : [];
}
