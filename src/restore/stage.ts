/**
 * A staging directory for a restore: objects are fetched into it and
 * verified while they are written, before anything is applied. `--to DIR`
 * stages inside DIR (`DIR/.palhm-restore-XXXX`) so that moving a verified file
 * into place is a rename; restore pipelines fed from a remote backend stage
 * under $TMPDIR or `--staging DIR`. Discarding the stage removes it whole.
 */
import { mkdir, mkdtemp, open, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { CopyReader } from "../copies/reader.ts";
import type { ManifestObject } from "../backup/manifest.ts";
import { SelectionError } from "./errors.ts";
import { assertMatches, digestStream, type Digest } from "./hash-stream.ts";

export const STAGE_PREFIX = ".palhm-restore-";

/** Refuses object paths that would leave the directory they are restored into. */
export function checkObjectPath(path: string): void {
  const segments = path.split("/");
  if (path.startsWith("/") || segments.some((s) => s === "" || s === "." || s === "..")) {
    throw new SelectionError(`object path "${path}" would leave the restore directory: refusing it`);
  }
}

export class Stage {
  private constructor(readonly dir: string) {}

  /** Creates `PARENT/.palhm-restore-XXXX` (mode 700). */
  static async create(parent: string): Promise<Stage> {
    await mkdir(parent, { recursive: true, mode: 0o750 });
    return new Stage(await mkdtemp(join(parent, STAGE_PREFIX)));
  }

  pathOf(objectPath: string): string {
    checkObjectPath(objectPath);
    return join(this.dir, objectPath);
  }

  /**
   * Streams an object from the copy into the stage, hashing it as it is
   * written; with `expected`, throws a VerifyError naming the object when the
   * bytes do not match the manifest.
   */
  async fetch(copy: CopyReader, path: string, expected: ManifestObject | null, signal?: AbortSignal): Promise<Digest> {
    const file = this.pathOf(path);
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const fh = await open(file, "wx", 0o600);
    let digest: Digest;
    try {
      digest = await digestStream(await copy.read(path), {
        signal,
        onChunk: async (chunk) => {
          for (let off = 0; off < chunk.byteLength; ) off += (await fh.write(chunk, off)).bytesWritten;
        },
      });
    } finally {
      await fh.close();
    }
    if (expected) assertMatches(copy.prefix, expected, digest);
    return digest;
  }

  async discard(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
