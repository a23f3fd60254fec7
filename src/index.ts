/** The public API a `palhm.config.ts` imports: `import { defineConfig } from "palhm"`. */
export { defineConfig } from "./config/define.ts";
export type * from "./config/types.ts";
export type { Store, StoreEntry, StoreCapabilities, Sink, SinkOptions, PutOptions } from "./backends/store.ts";
export { KeyExistsError, KeyNotFoundError } from "./backends/store.ts";
export type { BackendContext } from "./backends/descriptor.ts";
export { MARK_NAME, MANIFEST_NAME, PrefixTakenError, isReservedPath, objectPathProblem, type CopyInfo, type CopyState } from "./copies/names.ts";
export type { CopyWriter } from "./copies/writer.ts";
export type { CopyReader } from "./copies/reader.ts";
export { isPrefix } from "./backup/prefix.ts";
export { encodeManifest, decodeManifest } from "./backup/manifest.ts";
export type { Mua, MailMessage } from "./boot-report/types.ts";
export type { HookContext } from "./hooks/types.ts";
export type { StepContext } from "./routine/types.ts";
export type { Manifest } from "./backup/manifest.ts";
export * from "./errors.ts";
