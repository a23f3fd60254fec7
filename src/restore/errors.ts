import { PalhmError } from "../errors.ts";

/**
 * The copy or objects asked for cannot be used as asked (unknown prefix,
 * incomplete copy, object without a restore pipeline, a file in the way):
 * exit 2, nothing was changed. Unlike a UsageError, the command line itself
 * was well formed, so no usage text follows the message.
 */
export class SelectionError extends PalhmError {
  override readonly exitCode = 2;
  override readonly code = "ESELECT";
}
