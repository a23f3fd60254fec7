/** The manifest's SHA-256, computed on a worker thread: exact, for any chunking, bounded in memory. */
import { describe, expect, test } from "bun:test";
import { objectHasher } from "../../src/backup/hash.ts";

function reference(parts: Uint8Array[]): string {
  const h = new Bun.CryptoHasher("sha256");
  for (const p of parts) h.update(p);
  return h.digest("hex");
}

/** Deterministic bytes, different in every chunk. */
function chunks(sizes: number[]): Uint8Array[] {
  let seed = 7;
  return sizes.map((n) => {
    const c = new Uint8Array(n);
    for (let i = 0; i < n; i++) c[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    return c;
  });
}

async function feed(parts: Uint8Array[]): Promise<{ sha256: string; waited: number }> {
  const h = objectHasher();
  let waited = 0;
  for (const p of parts) {
    const wait = h.update(p);
    if (wait) {
      waited++;
      await wait;
    }
  }
  return { sha256: await h.digest(), waited };
}

describe("object hashing", () => {
  test("an empty object and a small one (hashed in place) match SHA-256", async () => {
    expect((await feed([])).sha256).toBe(reference([]));
    const small = chunks([1, 4095, 65536]);
    expect((await feed(small)).sha256).toBe(reference(small));
  });

  test("large objects in odd chunk sizes, across batch boundaries, match SHA-256", async () => {
    const parts = chunks([(1 << 20) - 1, 1, 1 << 20, 3 * (1 << 20) + 17, 65536, 5, 2 * (1 << 20)]);
    expect((await feed(parts)).sha256).toBe(reference(parts));
  });

  test("objects hashed at the same time keep separate states", async () => {
    const a = chunks([3 << 20, 1 << 20, 12345]);
    const b = chunks([2 << 20, 7, 4 << 20]);
    const [ra, rb] = await Promise.all([feed(a), feed(b)]);
    expect(ra.sha256).toBe(reference(a));
    expect(rb.sha256).toBe(reference(b));
  });

  test("a fast producer is told to wait instead of queueing the whole object", async () => {
    const block = chunks([1 << 20])[0]!;
    const parts = Array.from({ length: 96 }, () => block);
    const r = await feed(parts);
    expect(r.sha256).toBe(reference(parts));
    expect(r.waited).toBeGreaterThan(0);
  });

  test("an object abandoned half-way leaves the others' digests intact", async () => {
    const big = chunks([3 << 20])[0]!;
    const dropped = objectHasher();
    await dropped.update(big);
    const kept = chunks([2 << 20, 99]);
    const other = objectHasher();
    await other.update(kept[0]!);
    dropped.abandon();
    await other.update(kept[1]!);
    expect(await other.digest()).toBe(reference(kept));
    expect((await feed([big])).sha256).toBe(reference([big]));
  });

  test("the caller may reuse its chunk buffer as soon as update returns", async () => {
    const buf = new Uint8Array(1 << 20);
    const seen: Uint8Array[] = [];
    const h = objectHasher();
    for (let i = 0; i < 6; i++) {
      buf.fill(i * 31 + 1);
      seen.push(buf.slice());
      await h.update(buf);
    }
    expect(await h.digest()).toBe(reference(seen));
  });
});
