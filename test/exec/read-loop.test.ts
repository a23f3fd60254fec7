/** Reading a pipe to its end on a worker thread, as the backup runner does for sinks that need the bytes. */
import { afterAll, describe, expect, test } from "bun:test";
import { closeSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openPipe } from "../../src/exec/pipe.ts";
import { readLoop } from "../../src/exec/read-loop.ts";

const dir = mkdtempSync(join(tmpdir(), "palhm-read-loop-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts `argv` with its stdout on a new pipe; returns the read end and the process. */
async function producer(argv: string[]) {
  const [readFd, writeFd] = await openPipe();
  const proc = Bun.spawn(argv, { stdout: writeFd, stderr: "inherit" });
  closeSync(writeFd);
  return { readFd, proc };
}

describe("readLoop", () => {
  test("every byte reaches onChunk in order, with the size and SHA-256 of the whole", async () => {
    const bytes = crypto.getRandomValues(new Uint8Array(65536)).map((b) => b);
    const file = join(dir, "random.bin");
    // 10 MiB and 3 bytes: many full slots and a ragged end.
    writeFileSync(file, Buffer.concat(Array.from({ length: 160 }, () => bytes).concat([Buffer.from("end")])));
    const { readFd, proc } = await producer(["cat", file]);
    const got: Buffer[] = [];
    let largest = 0;
    try {
      const r = await readLoop(readFd, { sha256: true, onChunk: (c) => void (got.push(Buffer.from(c)), (largest = Math.max(largest, c.byteLength))) });
      const expected = await Bun.file(file).bytes();
      expect(r).toEqual({ size: expected.byteLength, sha256: new Bun.CryptoHasher("sha256").update(expected).digest("hex") });
      expect(Buffer.concat(got).equals(expected)).toBe(true);
      expect(largest).toBeLessThanOrEqual(1 << 20);
    } finally {
      closeSync(readFd);
      await proc.exited;
    }
  });

  test("an empty output: size 0 and the digest of nothing", async () => {
    const { readFd, proc } = await producer(["true"]);
    try {
      expect(await readLoop(readFd, { sha256: true })).toEqual({ size: 0, sha256: new Bun.CryptoHasher("sha256").digest("hex") });
    } finally {
      closeSync(readFd);
      await proc.exited;
    }
  });

  test("a throwing onChunk is reported at once through onFailure, and is what readLoop rejects with once the writer is gone", async () => {
    const { readFd, proc } = await producer(["yes"]);
    const boom = new Error("sink full");
    let told: unknown;
    try {
      const run = readLoop(readFd, {
        onChunk: () => {
          throw boom;
        },
        onFailure: (e) => {
          told = e;
          proc.kill();
        },
      });
      await expect(run).rejects.toBe(boom);
      expect(told).toBe(boom);
    } finally {
      closeSync(readFd);
      await proc.exited;
    }
  });

  test("one reading thread after another: a second read right after the first gets its own bytes", async () => {
    for (const text of ["first\n", "second\n", "third\n"]) {
      const { readFd, proc } = await producer(["printf", text]);
      let seen = "";
      try {
        const r = await readLoop(readFd, { onChunk: (c) => void (seen += new TextDecoder().decode(c)) });
        expect(r.size).toBe(text.length);
      } finally {
        closeSync(readFd);
        await proc.exited;
      }
      expect(seen).toBe(text);
    }
  });
});
