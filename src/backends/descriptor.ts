/**
 * What palhm knows about a backend type, in one place: the parameters it
 * resolves, how it opens a Store, how it names its root for people and for
 * the run lock, and whether its copies rotate. The registry (registry.ts)
 * holds one per type; nothing outside src/backends/ asks for a type by name.
 */
import type { Logger } from "../log.ts";
import type { Limit } from "../backup/decimal.ts";
import type { KeepPolicy } from "../backup/retention.ts";
import type { Store } from "./store.ts";

export interface BackendContext {
  /** The task the store is opened for. */
  readonly taskId: string;
  readonly log: Logger;
  readonly signal: AbortSignal;
}

/** Where a backend's parameters are in the config: `fail` throws a config error (exit 2) naming the field. */
export interface ParamSite {
  fail(field: string | undefined, message: string): never;
}

export interface RotationLimits {
  readonly nbCopyLimit: Limit;
  readonly rootSizeLimit: Limit;
  /** Retention by age; null or absent: only the limits apply. */
  readonly keep?: KeepPolicy | null;
}

export interface BackendDescriptor<Checked extends { readonly type: string } = any, Resolved extends { readonly type: string } = any> {
  readonly type: Checked["type"];
  /** One line for `palhm mods`. */
  readonly summary: string;
  /** Defaults applied and values checked (the schema checked the shape already). */
  resolve(checked: Checked, at: ParamSite): Resolved;
  /** Opens the store (heavy modules are imported here, not before). */
  open(param: Resolved, ctx: BackendContext): Promise<Store>;
  /** The root, for people: `/var/backups/web1`, `s3://bucket/root`. */
  describe(param: Resolved): string;
  /** The root's identity for the run lock and for telling tasks that share a root, without opening anything. */
  lockKey(param: Resolved): string;
  /** Rotation limits; null for a backend that keeps nothing (no rotation, no shared-root concern). */
  rotation(param: Resolved): RotationLimits | null;
  /** Programs of this host the backend runs (what `palhm check` looks for in the PATH); none when absent. */
  programs?(param: Resolved): string[];
  /** Directories of this host the backend writes into (what a sandboxed unit must leave writable); none when absent. */
  writablePaths?(param: Resolved): string[];
  /** Settings worth showing in the dry-run plan (`dmode 750`, `upload as STANDARD_IA`). */
  details?(param: Resolved): string[];
  /** The parameters as `palhm config` shows them (modes in octal...), when they differ from the resolved values. */
  display?(param: Resolved): Record<string, unknown>;
  /** The name of a backend the config itself defines (a custom Store), which `palhm mods` lists; absent for palhm's own types. */
  definedAs?(param: Resolved): string;
  /** The largest object the backend can store, when it has a limit: bytes, and how to say it ("an S3 object can hold (5 TiB)"). */
  readonly maxObjectSize?: { readonly bytes: bigint; readonly what: string };
}
