/**
 * Benchmark: a backup through palhm's rclone backend against rclone alone,
 * side by side in one run, to `rclone serve sftp` on 127.0.0.1 serving a
 * tmpfs directory:
 *   palhm:    `palhm run` of one object `head -c SIZE /dev/zero` (start-up,
 *             the copy's mark, SHA-256 of every byte, the manifest, rotation)
 *   empty:    the same run of an empty object: what a run costs besides the
 *             bytes (every rclone call is a process and an SSH login; about
 *             20 per run with a rotation)
 *   baseline: `head -c SIZE /dev/zero | tee >(sha256sum) | rclone rcat REMOTE/x`
 * The order alternates from round to round. Prints the medians with CPU time
 * and peak RSS, and the ratio of the bytes' time (palhm minus empty) to the
 * baseline's (target <= 1.15: the SSH transfer dominates, palhm's hop of the
 * bytes through its sink must not).
 *
 *   bun bench/rclone-upload.ts [MiB=512] [ROUNDS=3]
 */
import { rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadNote, median, MiB, timed, tmpfsDir, verdict, type Timed } from "./_lib.ts";
import { startRcloneServer } from "../test/_support/servers/rclone.ts";

const SIZE = Number(process.argv[2] ?? 512) * MiB;
const ROUNDS = Number(process.argv[3] ?? 3);
const cli = resolve(import.meta.dir, "../src/cli.ts");
const base = tmpfsDir("rclone");
const server = await startRcloneServer("sftp", base);

try {
  const config = join(base, "palhm.config.ts");
  const backend = { type: "rclone", remote: server.remote("palhm"), config: server.configPath, nbCopyLimit: 1 };
  const object = (argv: string[]) => [{ path: "zero.bin", pipeline: [{ argv }] }];
  const tasks = {
    bench: { type: "backup", backend, objects: object(["head", "-c", String(SIZE), "/dev/zero"]) },
    empty: { type: "backup", backend: { ...backend, remote: server.remote("empty") }, objects: object(["true"]) },
  };
  writeFileSync(config, `export default ${JSON.stringify({ tasks })};\n`);
  const env = { ...process.env, PALHM_LOCK_DIR: join(base, "locks") } as Record<string, string>;
  const shell = `head -c ${SIZE} /dev/zero | tee >(sha256sum > /dev/null) | rclone --config ${server.configPath} rcat ${server.remote("shell/zero.bin")}`;
  const kinds = {
    palhm: () => timed(["bun", cli, "-q", "-f", config, "run", "bench"], { env }),
    empty: () => timed(["bun", cli, "-q", "-f", config, "run", "empty"], { env }),
    baseline: () => timed(["bash", "-c", shell]),
  };
  type Kind = keyof typeof kinds;
  const runs: Record<Kind, Timed[]> = { palhm: [], empty: [], baseline: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order: Kind[] = round % 2 === 0 ? ["palhm", "empty", "baseline"] : ["baseline", "empty", "palhm"];
    for (const kind of order) {
      rmSync(join(server.dir, "shell"), { recursive: true, force: true });
      runs[kind].push(await kinds[kind]());
    }
  }
  const mid = (kind: Kind, f: (t: Timed) => number) => median(runs[kind].map(f));
  console.log(`${SIZE / MiB} MiB to rclone serve sftp on 127.0.0.1 (tmpfs), ${ROUNDS} round(s); ${loadNote()}`);
  for (const kind of ["palhm", "empty", "baseline"] as const) {
    const ms = mid(kind, (t) => t.ms);
    const rate = kind === "empty" ? "" : `${(SIZE / MiB / (ms / 1000)).toFixed(0)} MiB/s`;
    console.log(`  ${kind.padEnd(9)} ${ms.toFixed(0).padStart(7)} ms  ${rate.padStart(10)}  cpu ${mid(kind, (t) => t.cpuMs).toFixed(0)} ms  peak rss ${(mid(kind, (t) => t.maxRss) / MiB).toFixed(0)} MiB`);
  }
  console.log(`  whole run: palhm / baseline ${(mid("palhm", (t) => t.ms) / mid("baseline", (t) => t.ms)).toFixed(2)}x`);
  const bytesMs = mid("palhm", (t) => t.ms) - mid("empty", (t) => t.ms);
  verdict("rclone backend, the bytes: (palhm - empty) / rcat", bytesMs / mid("baseline", (t) => t.ms), 1.15, "x");
} finally {
  await server.stop();
  rmSync(base, { recursive: true, force: true });
}
