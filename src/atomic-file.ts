/**
 * Replacing a file so a reader sees the old content or the new, never a
 * part, and a running program keeps the file it opened (a binary, a unit):
 * a temp file in the same directory, written, given its mode, flushed to
 * disk, then renamed over the target. On failure the temp file is removed
 * and the target is as it was; the error is the file system's.
 */
import { chmodSync, closeSync, copyFileSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** What the file gets: text, bytes, or a copy of another file. */
export type FileContent = string | Uint8Array | { readonly copyOf: string };

export function replaceFile(path: string, content: FileContent, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  const temp = `${path}.palhm-${process.pid}.tmp`;
  try {
    if (typeof content === "object" && "copyOf" in content) copyFileSync(content.copyOf, temp);
    else writeFileSync(temp, content, { mode });
    chmodSync(temp, mode); // the umask does not decide it
    const fd = openSync(temp, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}
