/** The copy layer: one protocol (mark, objects, manifest; states; removal order; leftovers; rotation) over any Store. */
export { Copies, type CopiesContext, type Cleanup, type RemovalFailure } from "./copies.ts";
export { MARK_NAME, MANIFEST_NAME, RESERVED_PREFIX, PrefixTakenError, isReservedPath, objectPathProblem, type CopyInfo, type CopyState } from "./names.ts";
export type { CopyWriter } from "./writer.ts";
export type { CopyReader } from "./reader.ts";
export type { ScannedCopy, Scan } from "./scan.ts";
export { decodeMark, encodeMark, type Mark } from "./mark.ts";
export { openCopies } from "./open.ts";
