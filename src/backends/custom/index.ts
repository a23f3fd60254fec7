/**
 * Custom backends: a Store the user writes inline in palhm.config.ts,
 * `{ type: "custom", name: "my-store", impl: myStore }`. The copy protocol,
 * rotation, list, verify and restore work on it as on the built-in ones.
 */
import * as v from "valibot";
import type { BackendDescriptor } from "../descriptor.ts";
import { resolveRotation, rotationFields, type RotationParam } from "../rotation-params.ts";
import type { Store } from "../store.ts";
import type { RotationLimits } from "../descriptor.ts";

/** A backend written by the user, inline in the config: an object implementing `Store` (see the README's "Writing a custom backend"). */
export interface CustomBackendParam extends RotationParam {
  type: "custom";
  /** What `palhm mods` and messages call it. @default "custom" */
  name?: string;
  /** The implementation. */
  impl: Store;
}

export interface ResolvedCustomParam extends RotationLimits {
  readonly type: "custom";
  readonly name: string;
  readonly impl: Store;
}

const _REQUIRED = ["location", "listDirs", "list", "openSink", "put", "read", "remove"] as const;
const _OPTIONAL = ["prune", "finalize", "close"] as const;

/** What keeps `x` from being a Store, in words; empty when it is one. */
export function storeProblems(x: unknown): string[] {
  if (typeof x !== "object" || x === null) return ["not an object"];
  const o = x as Record<string, unknown>;
  const problems: string[] = [];
  const caps = o.capabilities;
  if (typeof caps !== "object" || caps === null) problems.push("capabilities (an object, e.g. {})");
  const missing = _REQUIRED.filter((m) => typeof o[m] !== "function");
  if (missing.length) problems.push(`${missing.map((m) => `${m}()`).join(", ")} missing`);
  const wrong = _OPTIONAL.filter((m) => o[m] !== undefined && typeof o[m] !== "function");
  if (wrong.length) problems.push(`${wrong.join(", ")} must be function(s) when given`);
  return problems;
}

const _store = v.pipe(
  v.custom<Store>((x) => typeof x === "object" && x !== null && !Array.isArray(x), "a Store object"),
  v.check((x) => storeProblems(x).length === 0, (issue) => `not a Store: ${storeProblems(issue.input).join("; ")}`),
);

export const customSchema = v.strictObject({ type: v.literal("custom"), name: v.optional(v.string()), impl: _store, ...rotationFields });

export const customBackend: BackendDescriptor<v.InferOutput<typeof customSchema>, ResolvedCustomParam> = {
  type: "custom",
  summary: "a Store written in the config",
  resolve: (b, at) => ({ type: "custom", name: b.name ?? "custom", impl: b.impl, ...resolveRotation(b, at) }),
  open: async (p) => p.impl,
  describe: (p) => _location(p),
  lockKey: (p) => `custom:${p.name}:${_location(p)}`,
  rotation: (p) => (p.impl.capabilities.discards ? null : p),
  display: (p) => ({ name: p.name, impl: p.name }),
  definedAs: (p) => p.name,
};

function _location(p: ResolvedCustomParam): string {
  try {
    return String(p.impl.location(""));
  } catch {
    return `(${p.name})`;
  }
}
