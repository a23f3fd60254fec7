/** Storage backends: the Store interface, one descriptor per type, and the registry that opens them. */
export * from "./store.ts";
export type { BackendContext, BackendDescriptor, ParamSite, RotationLimits } from "./descriptor.ts";
export { backendDescriptors, descriptorOf, openStore, registerBackend } from "./registry.ts";
export type { BackendParam, ResolvedBackendParam } from "./params.ts";
