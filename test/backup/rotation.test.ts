import { describe, expect, test } from "bun:test";
import { chooseRemovals, type RotationCopy } from "../../src/backup/rotation.ts";
import { parseLimit } from "../../src/backup/decimal.ts";

const c = (prefix: string, size: number | bigint, state: RotationCopy["state"] = "complete"): RotationCopy => ({ prefix, size: BigInt(size), state });
const limits = (nb?: number | string, size?: number | string) => ({ nbCopyLimit: parseLimit(nb), rootSizeLimit: parseLimit(size) });

describe("rotation", () => {
  test("spec example: four copies of 10 bytes, d new, count limit 2 removes a and b", () => {
    const r = chooseRemovals([c("a", 10), c("b", 10), c("c", 10), c("d", 10)], "d", limits(2));
    expect(r.remove).toEqual(["a", "b"]);
    expect(r.warnAllRemoved).toBe(false);
  });

  test("spec example: a=b=c=10, d=50 new, size limit 60 removes a and b", () => {
    expect(chooseRemovals([c("a", 10), c("b", 10), c("c", 10), c("d", 50)], "d", limits(undefined, 60)).remove).toEqual(["a", "b"]);
  });

  test("spec example: a=b=c=10, d=50 new, size limit 40 removes a, b and c, and warns", () => {
    const r = chooseRemovals([c("a", 10), c("b", 10), c("c", 10), c("d", 50)], "d", limits(undefined, 40));
    expect(r.remove).toEqual(["a", "b", "c"]);
    expect(r.warnAllRemoved).toBe(true);
    expect(r.newExceedsSize).toBe(true);
  });

  test("nothing is removed while both limits hold, and no limit means keep everything", () => {
    expect(chooseRemovals([c("a", 10), c("b", 10)], "b", limits(2, 20)).remove).toEqual([]);
    expect(chooseRemovals([c("a", 10), c("b", 10)], "b", limits("inf", "-Infinity")).remove).toEqual([]);
  });

  test("both limits must be covered: the count and the bytes", () => {
    // count excess 1 (removes a), size excess 25 needs a+b+c.
    expect(chooseRemovals([c("a", 10), c("b", 10), c("c", 10), c("d", 5)], "d", limits(3, 10)).remove).toEqual(["a", "b", "c"]);
    // size excess 5 needs only a, count excess 2 needs a and b.
    expect(chooseRemovals([c("a", 10), c("b", 10), c("c", 10), c("d", 5)], "d", limits(2, 30)).remove).toEqual(["a", "b"]);
  });

  test("keeps the new copy even when it alone exceeds the size limit", () => {
    const r = chooseRemovals([c("a", 1), c("new", 100)], "new", limits(undefined, 50));
    expect(r.remove).toEqual(["a"]);
    expect(r.warnAllRemoved).toBe(true);
  });

  test("a count limit of 0 leaves only the new copy, without a size warning", () => {
    const r = chooseRemovals([c("a", 1), c("b", 1), c("n", 1)], "n", limits(0));
    expect(r.remove).toEqual(["a", "b"]);
    expect(r.warnAllRemoved).toBe(false);
  });

  test("incomplete copies of dead runs are removed first and never counted as kept", () => {
    const r = chooseRemovals([c("a", 10), c("b", 99, "incomplete"), c("c", 10), c("d", 10)], "d", limits(3));
    expect(r.remove).toEqual(["b"]);
    const r2 = chooseRemovals([c("a", 10), c("b", 99, "incomplete"), c("c", 10), c("d", 10)], "d", limits(2));
    expect(r2.remove).toEqual(["b", "a"]);
  });

  test("legacy copies count as complete", () => {
    expect(chooseRemovals([c("a", 10, "legacy"), c("b", 10), c("c", 10)], "c", limits(2)).remove).toEqual(["a"]);
  });

  test("limits beyond 2^53 are exact", () => {
    const big = 2n ** 70n;
    expect(chooseRemovals([c("a", big), c("b", 1)], "b", limits(undefined, big.toString())).remove).toEqual(["a"]);
    expect(chooseRemovals([c("a", big - 1n), c("b", 1)], "b", limits(undefined, big.toString())).remove).toEqual([]);
  });

  test("copies are taken oldest first whatever the input order", () => {
    expect(chooseRemovals([c("c", 10), c("a", 10), c("b", 10)], "c", limits(1)).remove).toEqual(["a", "b"]);
  });
});
