/**
 * A small tmpfs for a test file (a full file system on demand): mounted by
 * the `beforeAll` it registers, so a filtered run that runs none of the
 * describe's tests mounts nothing, and unmounted by its `afterAll` (or at
 * exit): no test leaves a mount behind.
 */
import { afterAll, beforeAll } from "bun:test";
import { mkdirSync } from "node:fs";

export interface Tmpfs {
  readonly path: string;
  /** Why it cannot be mounted here (not root, no mount(8)): tests needing it are skipped, saying so. */
  readonly cannotMount: string | null;
}

/** Call inside a `describe`. */
export function tmpfsFor(path: string, size: string): Tmpfs {
  const cannotMount = process.getuid?.() !== 0 ? "not root" : Bun.which("mount") ? null : "no mount(8)";
  let mounted = false;
  const unmount = () => {
    if (mounted) Bun.spawnSync(["umount", "-l", path]);
    mounted = false;
  };
  beforeAll(() => {
    if (cannotMount) return;
    mkdirSync(path, { recursive: true });
    const m = Bun.spawnSync(["mount", "-t", "tmpfs", "-o", `size=${size},mode=0755`, "tmpfs", path], { stderr: "pipe" });
    if (m.exitCode !== 0) throw new Error(`cannot mount a tmpfs on ${path}: ${m.stderr.toString().trim() || `mount exited ${m.exitCode}`}`);
    mounted = true;
    process.once("exit", unmount);
  });
  afterAll(unmount);
  return { path, cannotMount };
}
