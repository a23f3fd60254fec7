/** Temporary config projects for tests: real files under os.tmpdir(), removed afterwards. */
import { afterEach } from "bun:test";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface TempProject {
  readonly dir: string;
  /** Writes `files` (relative path → content) and returns the absolute path of the first. */
  write(files: Record<string, string>): string;
  path(rel: string): string;
  remove(): void;
}

export function tempProject(): TempProject {
  const dir = mkdtempSync(join(tmpdir(), "palhm-config-"));
  return {
    dir,
    write(files) {
      let first = "";
      for (const [rel, text] of Object.entries(files)) {
        const file = join(dir, rel);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, text);
        first ||= file;
      }
      return first;
    },
    path: (rel) => join(dir, rel),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The message of the error `fn` throws (sync or async), or fails the test if it does not throw. */
export async function errorOf(fn: () => unknown): Promise<Error & { exitCode?: number }> {
  try {
    await fn();
  } catch (e) {
    return e as Error & { exitCode?: number };
  }
  throw new Error("expected an error, but none was thrown");
}

/** A `project()` maker for one test file: every project it made is removed after each test. */
export function useTempProjects(): () => TempProject {
  return useRemovedAfterEach(tempProject);
}

/** Wraps a maker of removable things so that everything it made is removed after each test. */
export function useRemovedAfterEach<T extends { remove(): void }>(make: () => T): () => T {
  let made: T[] = [];
  afterEach(() => {
    for (const p of made) p.remove();
    made = [];
  });
  return () => {
    const p = make();
    made.push(p);
    return p;
  };
}
