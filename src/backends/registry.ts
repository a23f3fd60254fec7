/**
 * The backends palhm knows, one descriptor per type. Everything outside
 * src/backends/ that depends on a backend (opening it, locking its root,
 * describing it, rotating its copies) asks the descriptor of the task's
 * resolved parameters, never for a type by name.
 */
import { BackendError } from "../errors.ts";
import { customBackend } from "./custom/index.ts";
import type { BackendContext, BackendDescriptor } from "./descriptor.ts";
import { localfsBackend } from "./localfs/index.ts";
import { nullBackend } from "./null/index.ts";
import type { ResolvedBackendParam } from "./params.ts";
import { s3Backend } from "./s3/index.ts";
import { rcloneBackend } from "./rclone/index.ts";
import type { Store } from "./store.ts";

const _BACKENDS = new Map<string, BackendDescriptor>();

/** Adds a backend type (the built-in ones are added below). */
export function registerBackend(d: BackendDescriptor): void {
  _BACKENDS.set(d.type, d);
}

for (const d of [nullBackend, localfsBackend, s3Backend, rcloneBackend, customBackend]) registerBackend(d);

/** Every registered backend type, in registration order. */
export function backendDescriptors(): BackendDescriptor[] {
  return [..._BACKENDS.values()];
}

export function descriptorOf(param: { readonly type: string }): BackendDescriptor {
  const d = _BACKENDS.get(param.type);
  if (!d) throw new BackendError(`unknown backend type "${param.type}" (known: ${[..._BACKENDS.keys()].join(", ")})`);
  return d;
}

export function openStore(param: ResolvedBackendParam, ctx: BackendContext): Promise<Store> {
  return descriptorOf(param).open(param, ctx);
}
