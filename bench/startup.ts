/**
 * Start-up: a routine task that runs /bin/true, start to finish, as a user
 * runs it: `bun src/cli.ts` and the compiled binary (`bun run build`'s
 * command, built into a temp dir). Runs alternate between the two.
 *   target: compiled binary median <= 50 ms, `bun src/cli.ts` median <= 70 ms
 *   bun bench/startup.ts [RUNS=21]
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { median, timed, tmpfsDir, verdict } from "./_lib.ts";

const REPO = resolve(import.meta.dir, "..");

export async function benchStartup(runs = 21): Promise<boolean> {
  const dir = tmpfsDir("startup");
  try {
    const bin = join(dir, "palhm");
    const script: string = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")).scripts.build;
    const argv = script.split(/\s+/);
    argv[argv.indexOf("--outfile") + 1] = bin;
    await timed(argv, { cwd: REPO });
    const config = join(dir, "palhm.config.ts");
    writeFileSync(config, `export default { tasks: { noop: { type: "routine", steps: [{ argv: ["/bin/true"] }] } } };\n`);
    const env = { ...process.env, PALHM_LOCK_DIR: dir } as Record<string, string>;
    const src: number[] = [];
    const compiled: number[] = [];
    for (let i = 0; i < runs; i++) {
      src.push((await timed([process.execPath, join(REPO, "src/cli.ts"), "-q", "-f", config, "run", "noop"], { env })).ms);
      compiled.push((await timed([bin, "-q", "-f", config, "run", "noop"], { env })).ms);
    }
    const range = (xs: number[]) => `min ${Math.min(...xs).toFixed(1)} ms over ${xs.length} runs`;
    const a = verdict("start-up: compiled binary, routine /bin/true", median(compiled), 50, "ms", range(compiled));
    const b = verdict("start-up: bun src/cli.ts, routine /bin/true", median(src), 70, "ms", range(src));
    return a && b;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) await benchStartup(Number(process.argv[2] ?? 21));
