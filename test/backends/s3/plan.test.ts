import { describe, expect, test } from "bun:test";
import {
  capacity,
  GiB,
  memoryFor,
  MiB,
  partSizeAt,
  planCopyParts,
  planPartSize,
  S3_LIMITS,
  TiB,
} from "../../../src/backends/s3/plan.ts";

const { minPart, maxPart, maxParts, maxObject } = S3_LIMITS;

function _sizes(plan: ReturnType<typeof planPartSize>, n = plan.maxParts): number[] {
  return Array.from({ length: n }, (_, i) => partSizeAt(plan, i));
}

describe("upload part planning", () => {
  test("without allocSize, 10,000 growing parts hold S3's largest object (5 TiB)", () => {
    const plan = planPartSize(undefined);
    expect(capacity(plan, maxParts)).toBeGreaterThanOrEqual(maxObject);
    const sizes = _sizes(plan);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(maxObject);
    for (const s of sizes) {
      expect(s).toBeGreaterThanOrEqual(minPart);
      expect(s).toBeLessThanOrEqual(maxPart);
    }
    // Parts never shrink.
    for (let i = 1; i < sizes.length; i++) expect(sizes[i]!).toBeGreaterThanOrEqual(sizes[i - 1]!);
  });

  test("memory stays within 256 MiB for objects up to 256 GiB, and within twice the part size beyond", () => {
    const plan = planPartSize(undefined);
    let total = 0;
    for (let i = 0; i < maxParts; i++) {
      const s = partSizeAt(plan, i);
      if (total + s <= 256 * GiB) expect(memoryFor(plan, s)).toBeLessThanOrEqual(256 * MiB);
      expect(memoryFor(plan, s)).toBeLessThanOrEqual(Math.max(256 * MiB, 2 * s));
      total += s;
    }
  });

  test("small objects get small parts: the first part is 8 MiB", () => {
    expect(partSizeAt(planPartSize(undefined), 0)).toBe(8 * MiB);
    expect(partSizeAt(planPartSize(1000n), 0)).toBe(8 * MiB);
  });

  test("with allocSize, allocSize fits in 10,000 parts of the first size", () => {
    for (const alloc of [100n * BigInt(GiB), 1n * BigInt(TiB), 3n * BigInt(TiB) + 7n]) {
      const plan = planPartSize(alloc);
      expect(BigInt(plan.base) * BigInt(maxParts)).toBeGreaterThanOrEqual(alloc);
      expect(capacity(plan, maxParts)).toBeGreaterThanOrEqual(maxObject);
    }
  });

  test("allocSize of exactly 5 TiB: 10,000 equal parts of 525 MiB", () => {
    const plan = planPartSize(BigInt(maxObject));
    expect(plan.base).toBe(525 * MiB);
    expect(plan.base * maxParts).toBeGreaterThanOrEqual(maxObject);
    expect(partSizeAt(plan, maxParts - 1)).toBe(plan.base);
  });

  test("an allocSize far below the real size still lets the stream reach 5 TiB", () => {
    const plan = planPartSize(1024n * 1024n);
    expect(capacity(plan, maxParts)).toBeGreaterThanOrEqual(maxObject);
  });

  test("a lowered part count limit makes parts grow sooner", () => {
    const plan = planPartSize(undefined, { basePart: 1024, maxParts: 8, maxObject: 64 * 1024, maxPart: 1 << 30 });
    expect(capacity(plan, 8)).toBeGreaterThanOrEqual(64 * 1024);
    expect(partSizeAt(plan, 7)).toBeGreaterThan(partSizeAt(plan, 0));
  });
});

describe("multipart copy planning", () => {
  test("an object of exactly 5 GiB is one part; one byte more is two", () => {
    expect(planCopyParts(5 * GiB)).toEqual([{ first: 0, last: 5 * GiB - 1 }]);
    const two = planCopyParts(5 * GiB + 1);
    expect(two.length).toBe(2);
    expect(two[0]!.first).toBe(0);
    expect(two.at(-1)!.last).toBe(5 * GiB);
  });

  test("ranges cover the object exactly, in order, each within the part limits", () => {
    for (const size of [5 * GiB + 1, 12 * GiB + 12345, maxObject]) {
      const ranges = planCopyParts(size);
      expect(ranges.length).toBeLessThanOrEqual(maxParts);
      let next = 0;
      for (const [i, r] of ranges.entries()) {
        expect(r.first).toBe(next);
        const len = r.last - r.first + 1;
        expect(len).toBeLessThanOrEqual(maxPart);
        if (i < ranges.length - 1) expect(len).toBeGreaterThanOrEqual(minPart);
        next = r.last + 1;
      }
      expect(next).toBe(size);
    }
  });

  test("a 5 TiB object is copied in 1,024 parts of 5 GiB", () => {
    expect(planCopyParts(maxObject).length).toBe(1024);
  });

  test("an object too big for the part count is refused", () => {
    expect(() => planCopyParts(100, { maxCopyPart: 1, minPart: 1, maxParts: 10 })).toThrow(RangeError);
  });
});
