/** How this palhm was started, so what it installs or schedules starts the same palhm. */
import { resolve } from "node:path";

/** Whether this process is the compiled binary (its modules live in Bun's embedded file system). */
export function isCompiled(): boolean {
  return import.meta.path.startsWith("/$bunfs/");
}

/** The command line that starts this palhm: the binary, or bun and src/cli.ts of this checkout. */
export function selfCommand(): string[] {
  return isCompiled() ? [process.execPath] : [process.execPath, resolve(import.meta.dir, "../cli.ts")];
}
