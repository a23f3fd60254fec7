/**
 * Size and SHA-256 of an object's bytes, computed while they stream, and the
 * comparison against what the manifest recorded.
 */
import { closeSync, fstatSync } from "node:fs";
import type { ManifestObject } from "../backup/manifest.ts";
import { canFollowFiles, hashFile } from "../backup/hash-follow.ts";
import type { CopyReader } from "../copies/reader.ts";
import { VerifyError } from "../errors.ts";

export interface Digest {
  readonly size: number;
  readonly sha256: string;
}

/** Accumulates a digest chunk by chunk. */
export class DigestBuilder {
  #hasher = new Bun.CryptoHasher("sha256");
  #size = 0;

  update(chunk: Uint8Array): void {
    this.#hasher.update(chunk);
    this.#size += chunk.byteLength;
  }

  get size(): number {
    return this.#size;
  }

  digest(): Digest {
    return { size: this.#size, sha256: this.#hasher.digest("hex") };
  }
}

/**
 * Reads a stream to its end and returns its digest. `onChunk` sees every
 * chunk (e.g. to write it somewhere) before the next is read; `signal` cancels.
 */
export async function digestStream(
  stream: ReadableStream<Uint8Array>,
  options: { signal?: AbortSignal; onChunk?: (chunk: Uint8Array) => void | Promise<void> } = {},
): Promise<Digest> {
  const d = new DigestBuilder();
  const reader = stream.getReader();
  const { signal, onChunk } = options;
  const onAbort = () => reader.cancel(signal?.reason).catch(() => {});
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { done, value } = await reader.read();
      if (done) break;
      d.update(value);
      if (onChunk) await onChunk(value);
    }
    signal?.throwIfAborted();
  } catch (e) {
    await reader.cancel(e).catch(() => {});
    throw e;
  } finally {
    signal?.removeEventListener("abort", onAbort);
    reader.releaseLock();
  }
  return d.digest();
}

/**
 * The digest of a stored object: its local file hashed on a thread where the
 * store keeps one (as fast as hashing the file alone), else its stream read
 * here. With a local file, `file` is that file's identity (fileIdentity),
 * when it was the same before and after the hashing.
 */
export async function digestObject(copy: Pick<CopyReader, "read" | "openFile">, path: string, signal?: AbortSignal): Promise<Digest & { file?: string }> {
  const fd = canFollowFiles() ? await copy.openFile(path) : null;
  if (fd === null) return digestStream(await copy.read(path), { signal });
  try {
    const before = fileIdentity(fd);
    const digest = await hashFile(fd, signal);
    return before === fileIdentity(fd) && before.endsWith(`:${digest.size}`) ? { ...digest, file: before } : digest;
  } finally {
    closeSync(fd);
  }
}

/**
 * Which file a descriptor is, and whether its bytes were written since:
 * device, inode, modification time (ns) and size. Writing the file changes
 * its modification time; setting that time back takes write access to the
 * copy, with which its manifest could be rewritten too.
 */
export function fileIdentity(fd: number): string {
  const st = fstatSync(fd, { bigint: true });
  return `${st.dev}:${st.ino}:${st.mtimeNs}:${st.size}`;
}

/** What is wrong with an object's bytes, in words, or null when they match the manifest. */
export function mismatch(expected: ManifestObject, actual: Digest): string | null {
  const problems: string[] = [];
  if (actual.size !== expected.size) {
    const how = actual.size < expected.size ? "truncated: " : "";
    problems.push(`${how}size expected ${expected.size} bytes, got ${actual.size}`);
  }
  if (actual.sha256 !== expected.sha256) problems.push(`sha256 expected ${expected.sha256}, got ${actual.sha256}`);
  return problems.length ? problems.join("; ") : null;
}

/** Throws a VerifyError naming the object when its bytes do not match the manifest. */
export function assertMatches(prefix: string, expected: ManifestObject, actual: Digest): void {
  const why = mismatch(expected, actual);
  if (why) throw new VerifyError(`object ${expected.path} of copy ${prefix} does not match its manifest (${why}); nothing more is applied`);
}
