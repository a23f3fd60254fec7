/** Temp directories under os.tmpdir(), each removed afterwards: when disposed, after each test, or after the file's tests. */
import { afterAll, afterEach } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface TempDir {
  readonly dir: string;
  /** Writes `files` (relative path → content, parents made) and returns the absolute path of the first. */
  write(files: Record<string, string>): string;
  /** The absolute path of `rel` inside the directory. */
  path(...rel: string[]): string;
  remove(): void;
  [Symbol.dispose](): void;
  [Symbol.asyncDispose](): Promise<void>;
}

/** A fresh directory `palhm-LABEL-XXXXXX`, removed by `remove()` or at the end of its `using` / `await using` block. */
export function tempDir(label = "test"): TempDir {
  const dir = mkdtempSync(join(tmpdir(), `palhm-${label}-`));
  const remove = () => rmSync(dir, { recursive: true, force: true });
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
    path: (...rel) => join(dir, ...rel),
    remove,
    [Symbol.dispose]: remove,
    [Symbol.asyncDispose]: async () => remove(),
  };
}

/** A directory for the whole test file (call at the top level): made now, removed by the `afterAll` it registers. */
export function fileTempDir(label: string): string {
  const dir = tempDir(label);
  afterAll(() => dir.remove());
  return dir.dir;
}

/** A `project()` maker for one test file: every temp dir it made is removed after each test. */
export function useTempDirs(label = "test"): () => TempDir {
  return useRemovedAfterEach(() => tempDir(label));
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

/** The error `fn` throws (sync or async); fails the test if it does not throw. */
export async function errorOf(fn: () => unknown): Promise<Error & { exitCode?: number }> {
  try {
    await fn();
  } catch (e) {
    return e as Error & { exitCode?: number };
  }
  throw new Error("expected an error, but none was thrown");
}
