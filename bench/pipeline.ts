/**
 * palhm against the equivalent shell pipeline, side by side in one run, on a
 * tmpfs root (/dev/shm when present), and against the fair equivalent that
 * also hashes every byte (`... | tee out | sha256sum`), as palhm's manifest does:
 *   zstd: `cat f | zstd -1 -T0 > out`        target ratio <= 1.15
 *   raw:  `head -c SIZE /dev/zero | cat > out` target ratio <= 1.5 (SHA-256 of every byte included)
 *   noop: a routine task running /bin/true, start to finish, median <= 100 ms
 * palhm runs as a user runs it (`bun src/cli.ts -f CONFIG run TASK`), so its
 * times include start-up. Usage: bun bench/pipeline.ts [MiB=1024] [rounds=3]
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const MIB = Number(process.argv[2] ?? 1024);
const ROUNDS = Number(process.argv[3] ?? 3);
const bytes = MIB * 1024 * 1024;
const cli = resolve(import.meta.dir, "../src/cli.ts");
const base = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "palhm-bench-"));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timed(argv: string[]): Promise<{ ms: number; maxRss: number }> {
  const t0 = performance.now();
  const p = Bun.spawn(argv, { stdout: "ignore", stderr: "inherit" });
  const status = await p.exited;
  const ms = performance.now() - t0;
  if (status !== 0) throw new Error(`${argv.join(" ")} exited with ${status}`);
  // Bun reports maxRSS in bytes.
  return { ms, maxRss: Number(p.resourceUsage()?.maxRSS ?? 0) };
}

function config(name: string, objects: unknown[], root: string): string {
  const file = join(base, `${name}.config.ts`);
  const cfg = {
    tasks: {
      bench: { type: "backup", backend: { type: "localfs", root, nbCopyLimit: 1 }, objects },
      noop: { type: "routine", steps: [{ argv: ["/bin/true"] }] },
    },
  };
  writeFileSync(file, `export default ${JSON.stringify(cfg)};\n`);
  return file;
}

/**
 * palhm against two shell baselines, interleaved round by round:
 *   sh:   `a | b > out`                    (what the targets are set against)
 *   fair: `a | b | tee out | sha256sum`    (the same work palhm does: store and hash every byte)
 */
async function compare(name: string, palhmPipeline: string[][], target: number) {
  const root = join(base, `${name}-root`);
  const file = config(name, [{ path: "object", pipeline: palhmPipeline.map((argv) => ({ argv })) }], root);
  const line = palhmPipeline.map((argv) => argv.join(" ")).join(" | ");
  const out = join(base, `${name}.out`);
  const pal: number[] = [];
  const sh: number[] = [];
  const fair: number[] = [];
  let rss = 0;
  for (let i = 0; i < ROUNDS; i++) {
    sh.push((await timed(["sh", "-c", `${line} > ${out}`])).ms);
    rmSync(out, { force: true });
    fair.push((await timed(["sh", "-c", `${line} | tee ${out} | sha256sum`])).ms);
    rmSync(out, { force: true });
    const r = await timed([process.execPath, cli, "-q", "-f", file, "run", "bench"]);
    pal.push(r.ms);
    rss = Math.max(rss, r.maxRss);
  }
  const ratio = median(pal) / median(sh);
  const fairRatio = median(pal) / median(fair);
  console.log(
    `${name.padEnd(5)} ${MIB} MiB: sh ${median(sh).toFixed(0)} ms, sh+tee+sha256sum ${median(fair).toFixed(0)} ms, palhm ${median(pal).toFixed(0)} ms; ` +
      `ratio vs sh ${ratio.toFixed(2)} (target <= ${target}) ${ratio <= target ? "OK" : "MISSED"}, vs sh+sha256sum ${fairRatio.toFixed(2)}; palhm peak RSS ${(rss / 2 ** 20).toFixed(0)} MiB`,
  );
}

/** SHA-256 throughput of this machine: the manifest hashes every byte, so it bounds the raw case. */
function sha256MiBs(): number {
  const buf = new Uint8Array(64 << 20);
  const t0 = performance.now();
  new Bun.CryptoHasher("sha256").update(buf).update(buf).digest();
  return 128 / ((performance.now() - t0) / 1000);
}

try {
  console.log(`SHA-256 here: ${sha256MiBs().toFixed(0)} MiB/s (single thread)`);
  const input = join(base, "input");
  // Compressible but not trivial: base64 of random bytes.
  await timed(["sh", "-c", `head -c ${Math.floor((bytes * 3) / 4)} /dev/urandom | base64 -w 0 > ${input}`]);
  await compare("zstd", [["cat", input], ["zstd", "-1", "-T0"]], 1.15);
  await compare("raw", [["head", "-c", String(bytes), "/dev/zero"], ["cat"]], 1.5);

  const noop = config("noop", [], join(base, "noop-root"));
  const times: number[] = [];
  for (let i = 0; i < 9; i++) times.push((await timed([process.execPath, cli, "-q", "-f", noop, "run", "noop"])).ms);
  const m = median(times);
  console.log(`noop  routine /bin/true: median ${m.toFixed(0)} ms over ${times.length} runs (target <= 100) ${m <= 100 ? "OK" : "MISSED"}`);
} finally {
  rmSync(base, { recursive: true, force: true });
}
