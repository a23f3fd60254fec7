/**
 * Bun macros (`import ... with { type: "macro" }`): run when palhm is bundled
 * (`bun run build`) or its source is loaded, so the compiled binary carries
 * the files below and needs no checkout to write them out.
 *
 * - shippedFile(s): the repository's config/ directory (core execs, hooks,
 *   systemd units, crontab), for `palhm install` and `palhm schedule`.
 * - declarations(): the type declarations of "palhm" (and "palhm/recipes"),
 *   emitted by tsc from src/, with those of the packages they refer to, for
 *   `palhm init`: a config anywhere gets completion and `tsc --noEmit`.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";

const REPO = resolve(import.meta.dir, "../..");

export interface EmbeddedFile {
  readonly text: string;
  /** Permission bits, e.g. 0o755 for a hooks.d executable. */
  readonly mode: number;
}

function _walk(dir: string, keep: (rel: string) => boolean, base = dir, out: Record<string, EmbeddedFile> = {}): Record<string, EmbeddedFile> {
  for (const name of readdirSync(dir).sort()) {
    const file = join(dir, name);
    const st = statSync(file);
    if (st.isDirectory()) {
      if (name !== "node_modules") _walk(file, keep, base, out);
    } else if (keep(relative(base, file))) {
      out[relative(base, file)] = { text: readFileSync(file, "utf8"), mode: st.mode & 0o777 };
    }
  }
  return out;
}

/** Every file of config/, by path relative to it. */
export function shippedConfig(): Record<string, EmbeddedFile> {
  return _walk(join(REPO, "config"), () => true);
}

/** One file of config/, e.g. "systemd/palhm-failure@.service". */
export function shippedFile(path: string): string {
  return readFileSync(join(REPO, "config", path), "utf8");
}

/** Public entry points: module name -> source file. */
function _entries(): Record<string, string> {
  const entries: Record<string, string> = { palhm: "src/index.ts" };
  if (existsSync(join(REPO, "src/recipes/index.ts"))) entries["palhm/recipes"] = "src/recipes/index.ts";
  return entries;
}

/** Packages whose declarations palhm's refer to (zx's `Shell` for `ctx.$`, consola's logger for `ctx.log`). */
const _PACKAGES = ["zx", "consola"];

export interface Declarations {
  /** Module name -> declaration file, relative to the types directory. */
  readonly modules: Record<string, string>;
  /** Path relative to the types directory -> text. */
  readonly files: Record<string, string>;
}

/**
 * tsc's declarations of palhm's public modules under `palhm/` (mirroring
 * src/), and the declaration files of the packages they import under
 * `node_modules/`, where tsc finds them from `palhm/`.
 */
export function declarations(): Declarations {
  const out = mkdtempSync(join(tmpdir(), "palhm-dts-"));
  try {
    const entries = _entries();
    const tsconfig = join(out, "tsconfig.json");
    writeFileSync(
      tsconfig,
      JSON.stringify({
        extends: join(REPO, "tsconfig.json"),
        compilerOptions: { noEmit: false, declaration: true, emitDeclarationOnly: true, outDir: join(out, "palhm"), rootDir: join(REPO, "src"), typeRoots: [join(REPO, "node_modules/@types")] },
        files: Object.values(entries).map((f) => join(REPO, f)),
        include: [],
      }),
    );
    const tsc = Bun.spawnSync([join(REPO, "node_modules/.bin/tsc"), "-p", tsconfig], { cwd: REPO, stdout: "pipe", stderr: "pipe" });
    if (tsc.exitCode !== 0) throw new Error(`tsc could not emit palhm's declarations:\n${tsc.stdout}${tsc.stderr}`);
    const files: Record<string, string> = {};
    for (const [rel, f] of Object.entries(_walk(join(out, "palhm"), (r) => r.endsWith(".d.ts")))) files[`palhm/${rel}`] = f.text;
    for (const pkg of _PACKAGES) {
      const dir = join(REPO, "node_modules", pkg);
      files[`node_modules/${pkg}/package.json`] = readFileSync(join(dir, "package.json"), "utf8");
      for (const [rel, f] of Object.entries(_walk(dir, (r) => /\.d\.[mc]?ts$/.test(r)))) files[`node_modules/${pkg}/${rel}`] = f.text;
    }
    const modules = Object.fromEntries(Object.entries(entries).map(([name, src]) => [name, `palhm/${src.slice("src/".length).replace(/\.ts$/, ".d.ts")}`]));
    return { modules, files };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
