/** The public API a `palhm.config.ts` imports: `import { defineConfig } from "palhm"`. */
export { defineConfig } from "./config/define.ts";
export type * from "./config/types.ts";
export type { Backend, CopyWriter, CopyReader, Sink, CopyInfo, BackendContext } from "./backends/types.ts";
export type { Mua, MailMessage } from "./boot-report/types.ts";
export type { HookContext } from "./hooks/types.ts";
export type { StepContext } from "./routine/types.ts";
export type { Manifest } from "./backup/manifest.ts";
export * from "./errors.ts";
