/**
 * The compiled binary, built once per test run by the package.json "build"
 * command (its --outfile pointed at a temp dir) and shared by every test file
 * that needs it. Removed when the test process exits.
 */
import { expect } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const REPO = resolve(import.meta.dir, "../..");

/** The package.json "build" command, with its --outfile pointed elsewhere: the tests run what `bun run build` builds. */
export function buildArgv(outfile: string): string[] {
  const script: string = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")).scripts.build;
  const argv = script.split(/\s+/);
  const i = argv.indexOf("--outfile");
  expect(argv.slice(0, 3)).toEqual(["bun", "build", "./src/cli.ts"]);
  // Bytecode: the binary starts without parsing its bundle (--bytecode needs ESM, for top-level await).
  expect(argv).toEqual(expect.arrayContaining(["--compile", "--bytecode", "--format=esm"]));
  argv[i + 1] = outfile;
  return argv;
}

let _built: Promise<string> | undefined;

/** Path of the compiled palhm binary (built on first use). */
export function compiledBinary(): Promise<string> {
  _built ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), "palhm-build-"));
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
    const outfile = join(dir, "palhm");
    const build = Bun.spawn(buildArgv(outfile), { cwd: REPO, stdout: "pipe", stderr: "pipe" });
    const [status, err] = await Promise.all([build.exited, new Response(build.stderr).text()]);
    if (status !== 0) throw new Error(`build failed: ${err}`);
    return outfile;
  })();
  return _built;
}
