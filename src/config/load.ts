// OWNED BY THE CONFIG WORK (issue 2): replaced by the real loader.
import type { ResolvedConfig } from "./resolved.ts";
import { ConfigError } from "../errors.ts";

export interface LoadOptions {
  /** -f/--config FILE */
  file?: string;
  /** Directory for ./palhm.config.ts lookup. @default process.cwd() */
  cwd?: string;
  /** Environment for $PALHM_CONFIG, $PALHM_HOOKS. @default process.env */
  env?: Record<string, string | undefined>;
  /** Maps the config's verbosity to the effective one (CLI -q/-v). */
  verbosity?: (configured: number) => number;
}

export async function loadConfig(_options: LoadOptions = {}): Promise<ResolvedConfig> {
  throw new ConfigError("config loading is not implemented yet");
}
