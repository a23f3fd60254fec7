/**
 * Off-site copies against the shell, side by side in one run, on tmpfs:
 * - replication: a copy of one object of SIZE MiB brought from one localfs
 *   root to another by a replicate task (read, SHA-256 checked against the
 *   manifest, written, manifest last), against `cp -r` of the same copy
 *   directory, and the fair `cp -r ... && sha256sum`;
 * - fan-out: a backup task whose pipeline (`head -c SIZE /dev/zero`) goes to
 *   two localfs roots at once, against `sh -c 'a | tee f1 > f2'`, and the
 *   fair `a | tee f1 f2 | sha256sum`.
 * Usage: bun bench/replicate.ts [MiB=1024] [rounds=3]
 */
import { rmSync, writeFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { MiB, loadNote, median, timed, tmpfsDir } from "./_lib.ts";

const SIZE = Number(process.argv[2] ?? 1024);
const ROUNDS = Number(process.argv[3] ?? 3);
const cli = resolve(import.meta.dir, "../src/cli.ts");
const base = tmpfsDir("replicate");
const src = join(base, "src");
const dst = join(base, "dst");
const cpDst = join(base, "cp");
const config = join(base, "palhm.config.ts");
writeFileSync(
  config,
  `export default ${JSON.stringify({
    tasks: {
      backup: { type: "backup", backend: { type: "localfs", root: src }, objects: [{ path: "data.bin", pipeline: [{ argv: ["head", "-c", `${SIZE}M`, "/dev/urandom"] }] }] },
      offsite: { type: "replicate", from: "backup", to: { type: "localfs", root: dst } },
      fanout: {
        type: "backup",
        backends: [{ type: "localfs", root: join(base, "fan1"), nbCopyLimit: 1 }, { type: "localfs", root: join(base, "fan2"), nbCopyLimit: 1 }],
        objects: [{ path: "zero.bin", pipeline: [{ argv: ["head", "-c", `${SIZE}M`, "/dev/zero"] }] }],
      },
    },
  })};\n`,
);
const env = { ...process.env, PALHM_LOCK_DIR: join(base, "locks") } as Record<string, string>;

try {
  await timed(["bun", cli, "-q", "-f", config, "run", "backup"], { env });
  const [prefix] = readdirSync(src).filter((d) => /^\d{4}-/.test(d));
  const copyDir = join(src, prefix!);
  const pal: number[] = [];
  const cp: number[] = [];
  const fair: number[] = [];
  let rss = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const runs: [number[], () => Promise<{ ms: number; maxRss: number }>][] = [
      [pal, () => timed(["bun", cli, "-q", "-f", config, "run", "offsite"], { env })],
      [cp, () => timed(["cp", "-r", copyDir, cpDst])],
      [fair, () => timed(["sh", "-c", `cp -r "$1" "$2" && sha256sum "$2/data.bin" >/dev/null`, "sh", copyDir, cpDst])],
    ];
    // Alternate the order, so no case always runs first (or last) in a round.
    if (round % 2) runs.reverse();
    for (const [into, run] of runs) {
      rmSync(dst, { recursive: true, force: true });
      rmSync(cpDst, { recursive: true, force: true });
      const t = await run();
      into.push(t.ms);
      if (into === pal) rss = Math.max(rss, t.maxRss);
    }
  }
  const p = median(pal);
  console.log(`replicate ${SIZE} MiB localfs -> localfs, median of ${ROUNDS} (tmpfs; ${loadNote()})`);
  console.log(`  cp -r                    ${median(cp).toFixed(0).padStart(7)} ms`);
  console.log(`  cp -r && sha256sum       ${median(fair).toFixed(0).padStart(7)} ms`);
  console.log(`  palhm run (replicate)    ${p.toFixed(0).padStart(7)} ms   peak RSS ${(rss / MiB).toFixed(0)} MiB`);
  console.log(`  palhm / cp               ${(p / median(cp)).toFixed(2)}x`);
  console.log(`  palhm / (cp + sha256sum) ${(p / median(fair)).toFixed(2)}x`);

  const fan: number[] = [];
  const tee: number[] = [];
  const teeFair: number[] = [];
  let fanRss = 0;
  const f1 = join(base, "f1");
  const f2 = join(base, "f2");
  for (let round = 0; round < ROUNDS; round++) {
    const runs: [number[], () => Promise<{ ms: number; maxRss: number }>][] = [
      [fan, () => timed(["bun", cli, "-q", "-f", config, "run", "fanout"], { env })],
      [tee, () => timed(["sh", "-c", `head -c ${SIZE}M /dev/zero | tee "$1" > "$2"`, "sh", f1, f2])],
      [teeFair, () => timed(["sh", "-c", `head -c ${SIZE}M /dev/zero | tee "$1" "$2" | sha256sum > /dev/null`, "sh", f1, f2])],
    ];
    if (round % 2) runs.reverse();
    for (const [into, run] of runs) {
      rmSync(f1, { force: true });
      rmSync(f2, { force: true });
      const t = await run();
      into.push(t.ms);
      if (into === fan) fanRss = Math.max(fanRss, t.maxRss);
    }
  }
  const fm = median(fan);
  console.log(`fan-out of a ${SIZE} MiB pipeline to two localfs roots, median of ${ROUNDS}`);
  console.log(`  sh: a | tee f1 > f2                ${median(tee).toFixed(0).padStart(7)} ms`);
  console.log(`  sh: a | tee f1 f2 | sha256sum      ${median(teeFair).toFixed(0).padStart(7)} ms`);
  console.log(`  palhm run (backends: [a, b])       ${fm.toFixed(0).padStart(7)} ms   peak RSS ${(fanRss / MiB).toFixed(0)} MiB`);
  console.log(`  palhm / tee                        ${(fm / median(tee)).toFixed(2)}x`);
  console.log(`  palhm / (tee + sha256sum)          ${(fm / median(teeFair)).toFixed(2)}x`);
} finally {
  rmSync(base, { recursive: true, force: true });
}
