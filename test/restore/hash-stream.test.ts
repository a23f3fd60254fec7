import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { digestStream, mismatch } from "../../src/restore/hash-stream.ts";

function streamOf(...chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      for (const chunk of chunks) c.enqueue(chunk);
      c.close();
    },
  });
}

describe("digest of a stream", () => {
  test("matches sha256 of the whole, across chunks", async () => {
    const a = crypto.getRandomValues(new Uint8Array(70_000));
    const b = crypto.getRandomValues(new Uint8Array(3));
    const seen: number[] = [];
    const d = await digestStream(streamOf(a, b), { onChunk: (c) => void seen.push(c.byteLength) });
    const whole = Buffer.concat([a, b]);
    expect(d).toEqual({ size: whole.length, sha256: createHash("sha256").update(whole).digest("hex") });
    expect(seen.reduce((x, y) => x + y, 0)).toBe(whole.length);
  });

  test("an aborted signal stops the read with its reason", async () => {
    const ac = new AbortController();
    const endless = new ReadableStream<Uint8Array>({ pull: (c) => c.enqueue(new Uint8Array(1024)) });
    let n = 0;
    const p = digestStream(endless, { signal: ac.signal, onChunk: () => void (++n === 5 && ac.abort(new Error("stop"))) });
    await expect(p).rejects.toThrow("stop");
  });
});

describe("comparison with the manifest", () => {
  const expected = { path: "x", size: 10, sha256: "a".repeat(64) };
  test("a match is no problem", () => {
    expect(mismatch(expected, { size: 10, sha256: "a".repeat(64) })).toBeNull();
  });
  test("a short object is called truncated, with both sizes and hashes", () => {
    const why = mismatch(expected, { size: 4, sha256: "b".repeat(64) })!;
    expect(why).toContain("truncated");
    expect(why).toContain("expected 10 bytes, got 4");
    expect(why).toContain(`got ${"b".repeat(64)}`);
  });
});
