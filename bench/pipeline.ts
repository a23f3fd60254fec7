/**
 * The data path, side by side with the shell doing the same thing, on a tmpfs
 * root (/dev/shm), rounds interleaved and the order alternating each round:
 *   hash: SHA-256 of SIZE bytes in Bun alone (which bound applies below)
 *   zstd: palhm `cat f | zstd -1 -T0` into localfs  vs  `cat f | zstd -1 -T0 > out`   target <= 1.10x
 *   raw:  palhm `head -c SIZE /dev/zero | cat`       vs  `head -c SIZE /dev/zero | cat > out`
 *         target <= 1.45x where SHA-256 runs at >= 1 GB/s; without SHA
 *         extensions the hash bounds it: <= 1.10x Bun hashing SIZE bytes alone
 *   verify of the raw copy  vs  Bun hashing the object's file alone         target <= 1.20x
 *   restore --stream through `zstd -d` of the zstd copy  vs  `zstd -d < file > out`  target <= 1.15x
 *   restore (the object checked first)  vs  Bun hashing the file, then `zstd -d < file > out`  target <= 1.15x
 * palhm runs as a user runs it (`bun src/cli.ts -q -f CONFIG run TASK`), start-up
 * included. Peak RSS: of palhm's own process (polled VmHWM), of the shell's
 * largest process (rusage).
 *   bun bench/pipeline.ts [MiB=1024] [ROUNDS=5]
 */
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { MiB, loadNote, median, timed, tmpfsDir, verdict, type Timed } from "./_lib.ts";

const CLI = resolve(import.meta.dir, "../src/cli.ts");

interface Case {
  readonly name: string;
  readonly target: number;
  readonly sh: (out: string) => string;
  /** The palhm run (argv), and what to clear before it (outside the timing). */
  readonly palhm: string[];
  readonly before?: () => void;
  /** A second shell baseline doing all the work palhm does, printed beside the target's ratio. */
  readonly fair?: { readonly name: string; readonly sh: (out: string) => string };
}

/**
 * SHA-256 throughput of Bun here, in MB/s (10^6), by CPU time (the machine's
 * other load does not make it look slower), and the wall time to hash `bytes`.
 */
async function hashSpeed(bytes: number): Promise<{ mbps: number; ms: number }> {
  const code = `const b = new Uint8Array(${8 * MiB}); const h = new Bun.CryptoHasher("sha256"); const t = performance.now(); const c = process.cpuUsage();
for (let n = 0; n < ${bytes}; n += b.length) h.update(b); h.digest(); const u = process.cpuUsage(c); console.log(performance.now() - t, (u.user + u.system) / 1000);`;
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < 3; i++) {
    const [w, c] = Bun.spawnSync([process.execPath, "-e", code], { stdout: "pipe" }).stdout.toString().trim().split(" ").map(Number);
    wall.push(w!);
    cpu.push(c!);
  }
  return { mbps: bytes / 1e6 / (median(cpu) / 1000), ms: median(wall) };
}

/** A palhm process's own peak RSS, polled from /proc while it runs (rusage would include its children). */
async function palhmTimed(argv: string[]): Promise<Timed & { ownPeak: number }> {
  let ownPeak = 0;
  let pid = 0;
  const poll = setInterval(() => {
    if (!pid) return;
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(require("node:fs").readFileSync(`/proc/${pid}/status`, "utf8"));
      if (m) ownPeak = Math.max(ownPeak, Number(m[1]) * 1024);
    } catch {
      // exited
    }
  }, 10);
  try {
    const t = await timed(argv, { onSpawn: (p) => void (pid = p) });
    return { ...t, ownPeak };
  } finally {
    clearInterval(poll);
  }
}

async function compare(c: Case, rounds: number, out: string) {
  const sh: Timed[] = [];
  const fair: Timed[] = [];
  const pal: (Timed & { ownPeak: number })[] = [];
  for (let i = 0; i < rounds; i++) {
    const runSh = async () => {
      rmSync(out, { force: true });
      sh.push(await timed(["sh", "-c", c.sh(out)]));
      rmSync(out, { force: true });
      if (c.fair) fair.push(await timed(["sh", "-c", c.fair.sh(out)]));
      rmSync(out, { force: true });
    };
    const runPal = async () => {
      c.before?.();
      pal.push(await palhmTimed(c.palhm));
    };
    if (i % 2) await runPal().then(runSh);
    else await runSh().then(runPal);
  }
  const ratio = median(pal.map((r) => r.ms)) / median(sh.map((r) => r.ms));
  const rss = `palhm ${median(pal.map((r) => r.ms)).toFixed(0)} ms, shell ${median(sh.map((r) => r.ms)).toFixed(0)} ms; peak RSS palhm ${(Math.max(...pal.map((r) => r.ownPeak)) / MiB).toFixed(0)} MiB, shell ${(Math.max(...sh.map((r) => r.maxRss)) / MiB).toFixed(0)} MiB`;
  const vsFair = c.fair ? `; ${(median(pal.map((r) => r.ms)) / median(fair.map((r) => r.ms))).toFixed(2)}x ${c.fair.name}` : "";
  verdict(c.name, ratio, c.target, "x", rss + vsFair);
  return { ratio, pal, sh };
}

export async function benchPipelines(mib = 1024, rounds = 5): Promise<void> {
  const bytes = mib * MiB;
  const dir = tmpfsDir("pipeline");
  try {
    const { mbps, ms: hashMs } = await hashSpeed(bytes);
    const shaFast = mbps >= 1000;
    const flag = /\bsha_ni\b/.test(require("node:fs").readFileSync("/proc/cpuinfo", "utf8")) ? "sha_ni in /proc/cpuinfo" : "no sha_ni in /proc/cpuinfo";
    console.log(`SHA-256 in Bun here: ${mbps.toFixed(0)} MB/s of CPU time, ${hashMs.toFixed(0)} ms wall for ${mib} MiB (${flag}) -> ${shaFast ? "SHA extensions: the raw case is held to 1.45x the shell" : "no SHA extensions: the raw case is held to 1.10x the hashing alone"}`);
    const input = join(dir, "input");
    // Compressible but not trivial: base64 of random bytes.
    await timed(["sh", "-c", `head -c ${Math.floor((bytes * 3) / 4)} /dev/urandom | base64 -w 0 > ${input}`]);
    const root = join(dir, "root");
    const config = join(dir, "palhm.config.ts");
    const pipe = (argvs: string[][]) => argvs.map((argv) => ({ argv }));
    writeFileSync(config, `export default ${JSON.stringify({
      tasks: {
        zstd: { type: "backup", backend: { type: "localfs", root: join(root, "zstd") }, objects: [{ path: "o.zst", pipeline: pipe([["cat", input], ["zstd", "-1", "-T0"]]), restore: pipe([["sh", "-c", `zstd -d > ${join(dir, "restored")}`]]) }] },
        raw: { type: "backup", backend: { type: "localfs", root: join(root, "raw") }, objects: [{ path: "o", pipeline: pipe([["head", "-c", String(bytes), "/dev/zero"], ["cat"]]) }] },
      },
    })};\n`);
    const run = (task: string, ...args: string[]) => [process.execPath, CLI, "-q", "-f", config, ...args, task];
    const clear = (task: string) => () => rmSync(join(root, task), { recursive: true, force: true });
    const out = join(dir, "out");
    await compare({ name: `zstd ${mib} MiB: palhm / shell`, target: 1.1, sh: (o) => `cat ${input} | zstd -1 -T0 > ${o}`, palhm: run("zstd", "run"), before: clear("zstd") }, rounds, out);
    const raw = await compare({ name: `raw ${mib} MiB: palhm / shell`, target: 1.45, sh: (o) => `head -c ${bytes} /dev/zero | cat > ${o}`, palhm: run("raw", "run"), before: clear("raw") }, rounds, out);
    const rawVsHash = median(raw.pal.map((r) => r.ms)) / hashMs;
    if (shaFast) console.log(`   (raw palhm / Bun hashing ${mib} MiB alone: ${rawVsHash.toFixed(2)}x; that bound applies only without SHA extensions)`);
    else verdict(`raw ${mib} MiB: palhm / Bun hashing it alone`, rawVsHash, 1.1, "x");

    // The copies the last rounds left: verify one, restore the other.
    const object = (task: string, name: string) => join(root, task, readdirSync(join(root, task)).find((n) => /^\d{4}-/.test(n))!, name);
    const rawObject = object("raw", "o");
    const hashAlone = `const fs = require("node:fs"); const fd = fs.openSync(${JSON.stringify(rawObject)}, "r"); const b = new Uint8Array(${MiB});
const h = new Bun.CryptoHasher("sha256"); for (let n; (n = fs.readSync(fd, b)) > 0; ) h.update(b.subarray(0, n)); h.digest("hex");`;
    await compare({ name: `verify ${mib} MiB: palhm / Bun hashing the file`, target: 1.2, sh: () => `${process.execPath} -e '${hashAlone}'`, palhm: run("raw", "verify") }, rounds, out);
    const zstdObject = object("zstd", "o.zst");
    const hashZstd = hashAlone.replaceAll(JSON.stringify(rawObject), JSON.stringify(zstdObject));
    const restored = join(dir, "restored");
    // `restore --stream`: one pass, the object checked while zstd -d reads it (as `zstd -d < f` reads it once).
    await compare({
      name: `restore --stream through zstd -d: palhm / shell`, target: 1.15,
      sh: () => `zstd -d < ${zstdObject} > ${restored}`,
      palhm: run("zstd", "restore", "--stream"), before: () => rmSync(restored, { force: true }),
    }, rounds, out);
    // Plain `restore` checks the object against the manifest before it applies anything: a hash pass first, as the shell here.
    await compare({
      name: `restore (checked first): palhm / shell`, target: 1.15,
      sh: () => `${process.execPath} -e '${hashZstd}' && zstd -d < ${zstdObject} > ${restored}`,
      fair: { name: "vs zstd -d alone", sh: () => `zstd -d < ${zstdObject} > ${restored}` },
      palhm: run("zstd", "restore"), before: () => rmSync(restored, { force: true }),
    }, rounds, out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`   (${loadNote()})`);
}

if (import.meta.main) await benchPipelines(Number(process.argv[2] ?? 1024), Number(process.argv[3] ?? 5));
