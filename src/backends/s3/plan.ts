/**
 * Pure planning for S3 transfers: how big each part of a streamed multipart
 * upload is, how many parts may be in flight, and how an object is split
 * into ranges for a multipart copy. No I/O here.
 *
 * S3's limits: parts of 5 MiB to 5 GiB (the last part may be smaller),
 * at most 10,000 parts, objects up to 5 TiB, single-request copy up to 5 GiB.
 */

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;
export const TiB = 1024 * GiB;

export const S3_LIMITS = {
  minPart: 5 * MiB,
  maxPart: 5 * GiB,
  maxParts: 10_000,
  maxObject: 5 * TiB,
  maxCopy: 5 * GiB,
} as const;

export interface UploadPlanOptions {
  /** Smallest part used when nothing else asks for more. @default 8 MiB */
  basePart?: number;
  /** Largest part. @default 5 GiB */
  maxPart?: number;
  /** Part count limit. @default 10,000 */
  maxParts?: number;
  /** Largest object the schedule must accept. @default 5 TiB */
  maxObject?: number;
  /** Bytes of part buffers a single upload may hold. @default 256 MiB */
  memory?: number;
  /**
   * Parts uploaded at once, at most. @default 3 (with 8 MiB parts: 32 MiB
   * of buffers; a fourth kept 1 GiB uploads near 160 MiB of peak RSS, for
   * no speed gained on loopback)
   */
  concurrency?: number;
}

/** The schedule of one upload: part `i` (0-based) is `base * 2^floor(i / period)` bytes, capped at maxPart. */
export interface PartPlan {
  readonly base: number;
  readonly period: number;
  readonly maxPart: number;
  readonly maxParts: number;
  readonly memory: number;
  readonly concurrency: number;
}

const DEFAULTS = {
  basePart: 8 * MiB,
  maxPart: S3_LIMITS.maxPart,
  maxParts: S3_LIMITS.maxParts,
  maxObject: S3_LIMITS.maxObject,
  memory: 256 * MiB,
  concurrency: 3,
};

/** Size of part `index` (0-based) under a plan. */
export function partSizeAt(plan: Pick<PartPlan, "base" | "period" | "maxPart">, index: number): number {
  const doublings = Math.floor(index / plan.period);
  if (doublings >= 40) return plan.maxPart;
  return Math.min(plan.maxPart, plan.base * 2 ** doublings);
}

/** Bytes that `parts` parts of a plan hold in total. */
export function capacity(plan: Pick<PartPlan, "base" | "period" | "maxPart">, parts: number): number {
  let total = 0;
  for (let start = 0; start < parts; start += plan.period) {
    const n = Math.min(plan.period, parts - start);
    total += n * partSizeAt(plan, start);
  }
  return total;
}

/**
 * Plans the part sizes of a streamed upload.
 *
 * With `allocSize`, the first parts are big enough for allocSize to fit in
 * the part count limit. Either way part sizes double every `period` parts,
 * with the longest period that still lets an object of `maxObject` bytes fit:
 * so a missing or too small allocSize never makes an upload fail, and small
 * objects keep small parts (and little memory).
 */
export function planPartSize(allocSize: bigint | undefined, opts: UploadPlanOptions = {}): PartPlan {
  const o = { ...DEFAULTS, ...opts };
  let base = o.basePart;
  if (allocSize !== undefined && allocSize > 0n) {
    const need = Number((allocSize + BigInt(o.maxParts) - 1n) / BigInt(o.maxParts));
    if (need > base) base = Math.ceil(need / MiB) * MiB;
  }
  base = Math.min(base, o.maxPart);
  // capacity() falls as the period grows: binary search the longest period that still holds maxObject.
  let lo = 1;
  let hi = o.maxParts;
  if (capacity({ base, period: hi, maxPart: o.maxPart }, o.maxParts) >= o.maxObject) lo = hi;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (capacity({ base, period: mid, maxPart: o.maxPart }, o.maxParts) >= o.maxObject) lo = mid;
    else hi = mid - 1;
  }
  return { base, period: lo, maxPart: o.maxPart, maxParts: o.maxParts, memory: o.memory, concurrency: o.concurrency };
}

/**
 * Parts that may be uploading while the next one fills, for a part size:
 * (in flight + filling) × part size stays within the memory budget, and at
 * least one part is always in flight.
 */
export function slotsFor(plan: Pick<PartPlan, "memory" | "concurrency">, partSize: number): number {
  return Math.max(1, Math.min(plan.concurrency, Math.floor(plan.memory / partSize) - 1));
}

/** Upper bound of the part buffers an upload holds while its parts are `partSize` bytes. */
export function memoryFor(plan: Pick<PartPlan, "memory" | "concurrency">, partSize: number): number {
  return (slotsFor(plan, partSize) + 1) * partSize;
}

/** A byte range of a multipart copy, inclusive, as `x-amz-copy-source-range` wants it. */
export interface CopyRange {
  readonly first: number;
  readonly last: number;
}

/**
 * Splits an object into ranges for UploadPartCopy: as few parts as possible,
 * each at most `maxCopyPart` bytes (default 5 GiB) and at least 5 MiB except
 * the last, within the part count limit.
 */
export function planCopyParts(
  size: number,
  opts: { maxCopyPart?: number; minPart?: number; maxParts?: number } = {},
): CopyRange[] {
  const maxCopyPart = opts.maxCopyPart ?? S3_LIMITS.maxPart;
  const minPart = opts.minPart ?? S3_LIMITS.minPart;
  const maxParts = opts.maxParts ?? S3_LIMITS.maxParts;
  if (size <= 0) return [];
  const count = Math.ceil(size / maxCopyPart);
  if (count > maxParts) throw new RangeError(`${size} bytes do not fit in ${maxParts} parts of ${maxCopyPart} bytes`);
  // Even parts, so none but the last falls under the minimum.
  const part = Math.max(minPart, Math.ceil(size / count));
  const ranges: CopyRange[] = [];
  for (let first = 0; first < size; first += part) {
    ranges.push({ first, last: Math.min(size, first + part) - 1 });
  }
  return ranges;
}
