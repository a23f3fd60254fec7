/** SHA-256 of an object file while the pipeline's last process is still writing it. */
import { describe, expect, test } from "bun:test";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { followFile } from "../../src/backup/hash-follow.ts";
import { fileTempDir } from "../_support/tmp.ts";

const dir = fileTempDir("follow");
let n = 0;

const sha256 = (bytes: Uint8Array) => new Bun.CryptoHasher("sha256").update(bytes).digest("hex");

/** Runs `script` with its stdout on a new file while a follower hashes that file; returns the follower's answer and the file's bytes. */
async function follow(script: string) {
  const file = join(dir, `object${++n}`);
  const fd = openSync(file, "wx", 0o600);
  try {
    const follower = followFile(fd);
    const proc = Bun.spawn(["sh", "-c", script, "sh", file], { stdout: fd, stderr: "inherit" });
    expect(await proc.exited).toBe(0);
    return { got: await follower.finish(), bytes: readFileSync(file) };
  } finally {
    closeSync(fd);
  }
}

describe("followFile", () => {
  test("a file written piece by piece over time: the size and SHA-256 of all of it", async () => {
    const { got, bytes } = await follow("for i in $(seq 1 40); do head -c 250000 /dev/urandom; done");
    expect(bytes.byteLength).toBe(10_000_000);
    expect(got).toEqual({ size: bytes.byteLength, sha256: sha256(bytes) });
  });

  test("an empty object: size 0 and the digest of nothing", async () => {
    const { got } = await follow("true");
    expect(got).toEqual({ size: 0, sha256: sha256(new Uint8Array()) });
  });

  test("a file its writer truncates at the end is hashed as it is stored, not as it was read", async () => {
    const { got, bytes } = await follow(`head -c 3000000 /dev/urandom; truncate -s 1000 "$1"`);
    expect(bytes.byteLength).toBe(1000);
    expect(got).toEqual({ size: 1000, sha256: sha256(bytes) });
  });

  test("abandoned: finish rejects and the next object is hashed as usual", async () => {
    const file = join(dir, "abandoned");
    const fd = openSync(file, "wx", 0o600);
    try {
      const follower = followFile(fd);
      follower.abandon();
      await expect(follower.finish()).rejects.toThrow("abandoned");
    } finally {
      closeSync(fd);
    }
    const { got, bytes } = await follow("printf next");
    expect(got).toEqual({ size: 4, sha256: sha256(bytes) });
  });
});
