/**
 * Every ```ts block of README.md runs as written: it is type-checked (tsc,
 * with this repository's tsconfig, "palhm" and "palhm/recipes" resolved as a
 * config sees them) and loaded by the real CLI (`palhm -f BLOCK config`),
 * which validates it as it would before a run. A failure names the block by
 * its line in README.md.
 *
 * Conventions for README authors:
 * - A block that is deliberately a fragment (a few keys, not a whole config)
 *   starts with the line `// fragment`; it is left out of both checks.
 * - Where palhm installs its shipped files stands for this repository in an
 *   import: `/usr/local/share/palhm/` (or `/usr/share/palhm/`, the PREFIX of
 *   `palhm install`) and `/opt/palhm/`, e.g.
 *   `import core from "/usr/local/share/palhm/config/core.ts"` is checked
 *   against this repository's config/core.ts.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { palhm } from "../_support/cli.ts";
import { fileTempDir } from "../_support/tmp.ts";

const REPO = resolve(import.meta.dir, "../..");
const FRAGMENT = /^\/\/ fragment\b/;
/** An import of an installed palhm file, up to where the repository's layout starts. */
const INSTALLED = /(["'])(?:\/usr(?:\/local)?\/share\/palhm|\/opt\/palhm)\//g;

interface Block {
  /** Line of README.md where the code starts (after the fence). */
  readonly line: number;
  readonly code: string;
  readonly fragment: boolean;
}

/** The ```ts (or ```typescript) blocks of a markdown text. */
export function tsBlocks(markdown: string): Block[] {
  const lines = markdown.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(\w+)?/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !lines[end]!.trimStart().startsWith(fence!)) end++;
    if (lang === "ts" || lang === "typescript") {
      const code = lines.slice(start, end).map((l) => (l.startsWith(indent!) ? l.slice(indent!.length) : l)).join("\n");
      blocks.push({ line: start + 1, code, fragment: FRAGMENT.test(code.trimStart()) });
    }
    i = end;
  }
  return blocks;
}

const blocks = tsBlocks(readFileSync(join(REPO, "README.md"), "utf8"));
const complete = blocks.filter((b) => !b.fragment);
const dir = fileTempDir("readme");
const fileOf = (b: Block) => join(dir, `readme-line-${b.line}.config.ts`);
/** tsc's errors, by block line, each as `README.md:LINE:COL: message`. */
const typeErrors = new Map<number, string[]>();

beforeAll(async () => {
  for (const b of complete) writeFileSync(fileOf(b), b.code.replace(INSTALLED, (_, q: string) => `${q}${REPO}/`));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      extends: join(REPO, "tsconfig.json"),
      compilerOptions: { typeRoots: [join(REPO, "node_modules/@types")], noUnusedLocals: false },
      include: [],
      files: complete.map(fileOf),
    }),
  );
  const tsc = Bun.spawn([join(REPO, "node_modules/.bin/tsc"), "-p", join(dir, "tsconfig.json"), "--pretty", "false"], { stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(tsc.stdout).text(), new Response(tsc.stderr).text(), tsc.exited]);
  for (const l of (out + err).split("\n")) {
    const m = /readme-line-(\d+)\.config\.ts\((\d+),(\d+)\): (.*)$/.exec(l);
    if (!m) continue;
    const block = Number(m[1]);
    const list = typeErrors.get(block) ?? [];
    list.push(`README.md:${block + Number(m[2]) - 1}:${m[3]}: ${m[4]}`);
    typeErrors.set(block, list);
  }
}, 120_000);


describe("README.md's config examples", () => {
  test("there are complete configs to check (the parser found them)", () => {
    expect(complete.length).toBeGreaterThanOrEqual(2);
  });

  for (const b of complete) {
    test(`README.md:${b.line}: the block type-checks`, () => {
      expect(typeErrors.get(b.line) ?? []).toEqual([]);
    });

    test(`README.md:${b.line}: the block loads as a config (palhm config)`, async () => {
      const r = await palhm(["-f", fileOf(b), "config"], { cwd: dir, env: { PALHM_LOCK_DIR: join(dir, "locks") } });
      // The loader names the temp file (and a line in it): say where that is in README.md.
      const stderr = r.stderr
        .replace(new RegExp(`${fileOf(b).replaceAll(".", "\\.")}:(\\d+)`, "g"), (_, n: string) => `README.md:${b.line + Number(n) - 1}`)
        .replaceAll(fileOf(b), `README.md:${b.line} (block)`);
      expect({ block: `README.md:${b.line}`, status: r.status, stderr }).toEqual({
        block: `README.md:${b.line}`,
        status: 0,
        stderr: "",
      });
    });
  }
});

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as dashes. */
function anchorOf(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
}

/** The lines of a markdown text outside code blocks. */
function prose(markdown: string): string[] {
  let fence: string | undefined;
  return markdown.split("\n").filter((l) => {
    const f = /^\s*(`{3,}|~{3,})/.exec(l)?.[1];
    if (f && (!fence || f.startsWith(fence))) {
      fence = fence ? undefined : f;
      return false;
    }
    return !fence;
  });
}

describe("README.md as one document", () => {
  const text = readFileSync(join(REPO, "README.md"), "utf8");
  const lines = prose(text);

  test("every link to a section names a heading that exists", () => {
    const anchors = new Set(lines.flatMap((l) => /^#{1,6} (.*)$/.exec(l)?.[1] ?? []).map(anchorOf));
    const links = lines.flatMap((l) => [...l.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!));
    expect(links.length).toBeGreaterThan(0);
    expect(links.filter((a) => !anchors.has(a))).toEqual([]);
  });

  test("every file and folder of the repository it names exists", () => {
    const named = [
      ...text.matchAll(/`((?:src|test|bench|config|\.ci)\/[\w./@-]*)`/g),
      ...text.matchAll(/\]\(((?!#|https?:)[^)]+)\)/g),
    ].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((f) => !existsSync(join(REPO, f)))).toEqual([]);
  });

  test("the Commands table lists every command palhm has, in the order `palhm help` shows them", async () => {
    const { commands } = await import("../../src/commands/_registry.ts");
    const start = lines.indexOf("## Commands");
    const end = lines.findIndex((l, i) => i > start && l.startsWith("#"));
    const table = lines.slice(start, end).filter((l) => l.startsWith("| `"));
    const documented = table.map((l) => /^\| `([a-z-]+)/.exec(l)![1]);
    expect(documented).toEqual(Object.keys(commands));
  });
});
