import type { Logger } from "../log.ts";
import type { Shell } from "zx";

/** What a TypeScript routine step receives. */
export interface StepContext {
  readonly taskId: string;
  readonly log: Logger;
  /** zx's `$`, quiet or verbose per palhm's verbosity, cancelled with `signal`. */
  readonly $: Shell;
  /** Fires when the run is interrupted (SIGINT/SIGTERM). */
  readonly signal: AbortSignal;
  /** Effective verbosity. */
  readonly verbosity: number;
}
