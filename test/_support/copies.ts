/** Copies as they lie on disk under a localfs root, seen from outside palhm. */
import { createHash } from "node:crypto";
import { existsSync, lstatSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

export type CopyState = "complete" | "incomplete" | "legacy";

/** The copies under a localfs root, oldest first. */
export function copiesOf(root: string): { prefix: string; state: CopyState }[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort()
    .map((prefix) => {
      const dir = join(root, prefix);
      const state: CopyState = existsSync(join(dir, ".palhm-manifest.json")) ? "complete" : existsSync(join(dir, ".palhm-incomplete")) ? "incomplete" : "legacy";
      return { prefix, state };
    });
}

/** SHA-256 of every file under `dir`, by relative path. */
export function hashTree(dir: string, rel = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    const p = join(dir, r);
    if (lstatSync(p).isDirectory()) Object.assign(out, hashTree(dir, r));
    else out[r] = createHash("sha256").update(readFileSync(p)).digest("hex");
  }
  return out;
}
