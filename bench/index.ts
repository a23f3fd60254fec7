/**
 * `bun run bench`: every figure of the performance targets, each with its
 * target and MET/MISSED, in a few minutes. Never part of the test suite.
 *   bun bench/index.ts [MiB=1024] [ROUNDS=5]
 * Pieces alone: bench/pipeline.ts, bench/startup.ts, bench/s3-upload.ts.
 */
import { cpus } from "node:os";
import { MiB, loadNote } from "./_lib.ts";
import { benchPipelines } from "./pipeline.ts";
import { benchS3 } from "./s3-upload.ts";
import { benchStartup } from "./startup.ts";

const mib = Number(process.argv[2] ?? 1024);
const rounds = Number(process.argv[3] ?? 5);
console.log(`palhm bench: ${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} CPU(s), Bun ${Bun.version}; ${loadNote()}`);
await benchPipelines(mib, rounds);
await benchStartup();
await benchS3(mib * MiB, 2, false);
console.log(`(${loadNote()}; medians of interleaved rounds, order alternating)`);
