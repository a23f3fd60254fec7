/**
 * Running a backup task: open the backend, remove leftovers of dead runs,
 * create a copy at a fresh prefix, build its objects through the group DAG,
 * inspect, commit the manifest, rotate. Any failure before the commit stops
 * every pipeline and rolls the copy back.
 */
import { hostname } from "node:os";
import type { ResolvedBackendParam, ResolvedBackupTask, ResolvedObject } from "../config/resolved.ts";
import { FanOut, type Destination } from "./fanout.ts";
import type { BackupResult, RunContext } from "../run/context.ts";
import type { BackendContext } from "../backends/descriptor.ts";
import { descriptorOf } from "../backends/registry.ts";
import { openCopies } from "../copies/open.ts";
import type { Copies, RemovalFailure } from "../copies/copies.ts";
import { PrefixTakenError } from "../copies/names.ts";
import type { CopyWriter } from "../copies/writer.ts";
import { HookRunner, type HookFacts } from "../hooks/runner.ts";
import { runOperation } from "../hooks/operation.ts";
import { BackendError, RemovalError, TaskError } from "../errors.ts";
import { NO_PROGRESS, progressFor, type Progress } from "../ui/progress.ts";
import { VERSION } from "../version.ts";
import { Schedule, runScheduled } from "./dag.ts";
import type { Manifest, ManifestObject } from "./manifest.ts";
import { prefixOf } from "./prefix.ts";
import { storeObject, type StoredObject } from "./object.ts";
import { removeLeftovers, rotateCopies } from "./rotate-copies.ts";

export { describeBackupPlan } from "./plan.ts";

type ObjectResult = BackupResult["objects"][number];

/** How many times a taken prefix is retried (once per second) before giving up. */
const PREFIX_ATTEMPTS = 5;

export async function runBackup(task: ResolvedBackupTask, ctx: RunContext): Promise<BackupResult> {
  const t0 = performance.now();
  const bctx: BackendContext = { taskId: task.id, log: ctx.log, signal: ctx.signal };
  const dests: Destination[] = [];
  const runner = new HookRunner({
    op: "backup", taskId: task.id, global: ctx.config.hooks, task: task.hooks,
    hooksDir: ctx.config.hooksDir, log: ctx.log, verbosity: ctx.verbosity, signal: ctx.signal,
  });
  const facts: HookFacts = {};
  const failures: RemovalFailure[] = [];
  let result: BackupResult;
  let fan: FanOut | undefined;
  try {
    for (const param of task.backends ?? [task.backend]) dests.push({ param, copies: await openCopies(param, bctx) });
    const copies = dests[0]!.copies;
    result = await runOperation(runner, facts, async (inspect) => {
      const leftovers: string[] = [];
      for (const d of dests) leftovers.push(...(await removeLeftovers(task.id, d.copies, ctx.log, failures)));
      const start = new Date();
      const writer = dests.length === 1 ? await _createCopy(copies, ctx) : (fan = await _createFanOut(task, dests, ctx));
      facts.prefix = writer.prefix;
      facts.location = writer.location;
      if (ctx.report) Object.assign(ctx.report, { prefix: writer.prefix, location: writer.location });
      let objects: ObjectResult[];
      try {
        objects = await _buildObjects(task, writer, ctx);
        await inspect();
        await writer.commit(_manifest(task, writer.prefix, start, objects));
        if (ctx.report) ctx.report.committed = true;
      } catch (e) {
        await writer.rollback().catch((re: Error) => ctx.log.error(`task ${task.id}: rolling back ${writer.location} failed: ${re.message}`));
        throw e;
      }
      const live = fan ? fan.live : dests;
      for (const d of live) ctx.log.info(`task ${task.id}: copy ${d.copies.store.location(`${writer.prefix}/`)} complete (${objects.length} object(s))`);
      const rotations = [];
      for (const d of live) rotations.push(await _rotate(task, d.param, d.copies, writer.prefix, ctx, failures));
      await writer.finalize();
      return {
        task: task.id, prefix: writer.prefix, location: writer.location, objects, removed: rotations.flatMap((r) => r.removed), leftovers,
        discarded: copies.capabilities.discards === true, durationMs: performance.now() - t0, ...rotations[0]!.facts,
        ...(fan ? { destinations: fan.destinations.map(_destinationResult(writer.prefix)) } : {}),
      };
    });
  } finally {
    for (const d of dests) await d.copies.close();
  }
  const left = fan?.destinations.filter((d) => d.failed) ?? [];
  if (left.length) throw _leftOutError(task, result, left, failures);
  if (failures.length) throw _removalError(task, result, failures);
  return result;
}

/** How one destination of a fan-out ended, for the summary and `--json`. */
const _destinationResult = (prefix: string) => (d: Destination) => ({
  root: d.copies.describe(),
  ok: !d.failed && d.writer !== undefined,
  ...(d.writer && !d.failed ? { location: d.copies.store.location(`${prefix}/`) } : {}),
  ...(d.failed ? { error: d.failed.message } : {}),
});

/** Under `require: "any"`: the copy is kept where it succeeded; the run still fails (exit 1), naming where it did not. */
function _leftOutError(task: ResolvedBackupTask, result: BackupResult, left: readonly Destination[], failures: readonly RemovalFailure[]): TaskError {
  const lines = [
    ...left.map((d) => `${d.copies.describe()}: ${d.failed!.message}`),
    ...failures.map((f) => `${f.location}: ${f.error.message}`),
  ];
  const kept = (result.destinations ?? []).filter((d) => d.ok).map((d) => d.location).join(", ");
  const err = new TaskError(`task ${task.id}: the copy ${result.prefix} is complete and kept at ${kept}, but not at ${left.length} destination(s):\n  ${lines.join("\n  ")}`);
  return Object.assign(err, { result });
}

/** A fan-out's copy: the first destination that can take it names the prefix (retrying a taken one), the others take the same. */
async function _createFanOut(task: ResolvedBackupTask, dests: Destination[], ctx: RunContext): Promise<FanOut> {
  const fan = new FanOut(dests, task.require ?? "all", task.id, ctx.log);
  let prefix: string | undefined;
  let first: unknown;
  for (const d of dests) {
    try {
      d.writer = prefix === undefined ? await _createCopy(d.copies, ctx) : await d.copies.createCopy(prefix);
      prefix = d.writer.prefix;
    } catch (e) {
      if (ctx.signal.aborted || (task.require ?? "all") === "all") {
        await fan.rollback().catch(() => {});
        throw e;
      }
      first ??= e;
      d.failed = e instanceof Error ? e : new Error(String(e));
      ctx.log.error(`task ${task.id}: ${d.copies.describe()} failed and is left out of this run (require: "any"): ${d.failed.message}`);
    }
  }
  if (!fan.live.length) throw first;
  return fan;
}

/** The new copy is kept; the run is not clean: every copy that could not be removed, where, and why. */
function _removalError(task: ResolvedBackupTask, result: BackupResult, failures: readonly RemovalFailure[]): RemovalError {
  const lines = failures.map((f) => `${f.location}: ${f.error.message}`);
  return new RemovalError(
    `task ${task.id}: the new copy ${result.prefix} is complete and kept, but ${failures.length} old cop${failures.length === 1 ? "y" : "ies"} could not be removed:\n  ${lines.join("\n  ")}`,
    failures.map((f) => ({ prefix: f.prefix, location: f.location, cause: f.error.message })),
    { prefix: result.prefix, location: result.location },
  );
}

async function _createCopy(copies: Copies, ctx: RunContext): Promise<CopyWriter> {
  for (let attempt = 1; ; attempt++) {
    const prefix = prefixOf(new Date());
    try {
      return await copies.createCopy(prefix);
    } catch (e) {
      if (!(e instanceof PrefixTakenError)) throw e;
      if (attempt >= PREFIX_ATTEMPTS) throw new BackendError(`copy ${prefix} under ${copies.describe()} already exists, and so did the next ${attempt - 1} (is the clock right?)`);
      ctx.log.info(`copy ${prefix} already exists under ${copies.describe()}: waiting for the next second`);
      await _nextSecond(ctx.signal);
    }
  }
}

function _nextSecond(signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, 1000 - (Date.now() % 1000) + 1);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

async function _buildObjects(task: ResolvedBackupTask, writer: CopyWriter, ctx: RunContext): Promise<ObjectResult[]> {
  const stop = new AbortController();
  const signal = AbortSignal.any([ctx.signal, stop.signal]);
  const progress = progressFor({ verbosity: ctx.verbosity, json: ctx.json });
  for (const o of task.objects) progress.objectQueued(o.path);
  try {
    const results = await runScheduled(
      new Schedule(task.groups, task.objects),
      ctx.config.workers,
      (o) => _buildObject(task, o, writer, signal, ctx, progress),
      (error) => stop.abort(error),
    );
    return task.objects.map((o) => results.get(o)!);
  } finally {
    progress.stop();
  }
}

async function _buildObject(
  task: ResolvedBackupTask, o: ResolvedObject, writer: CopyWriter, signal: AbortSignal, ctx: RunContext, progress: Progress,
): Promise<ObjectResult> {
  const t0 = performance.now();
  const label = `task ${task.id}, object "${o.path}"`;
  progress.objectStarted(o.path);
  const sink = await writer.openSink(o.path, o.allocSize === undefined ? {} : { sizeHint: o.allocSize });
  let stored: StoredObject;
  try {
    stored = await storeObject(o, sink, {
      signal, verbosity: ctx.verbosity, label, location: writer.location, progress, live: progress !== NO_PROGRESS,
    });
  } catch (e) {
    progress.objectFinished(o.path, false);
    await sink.abort(e).catch(() => {});
    throw e;
  }
  progress.objectFinished(o.path, true);
  ctx.log.debug(`${label}: ${stored.size} bytes`);
  const result = { path: o.path, size: stored.size, sha256: stored.sha256, durationMs: performance.now() - t0 };
  ctx.report?.objects.push(result);
  return result;
}

function _manifest(task: ResolvedBackupTask, prefix: string, start: Date, objects: readonly ObjectResult[]): Manifest {
  const entries: ManifestObject[] = objects.map(({ path, size, sha256 }) => ({ path, size, sha256 }));
  return { format: 1, task: task.id, host: hostname(), prefix, start: start.toISOString(), end: new Date().toISOString(), version: VERSION, objects: entries };
}

async function _rotate(task: ResolvedBackupTask, param: ResolvedBackendParam, copies: Copies, prefix: string, ctx: RunContext, failures: RemovalFailure[]) {
  const limits = descriptorOf(param).rotation(param);
  if (limits === null || copies.capabilities.discards) return { removed: [], facts: {} };
  const r = await rotateCopies(task.id, copies, prefix, limits, ctx.log, failures);
  return { removed: r.removed, facts: r.copiesKept === undefined ? {} : { copiesKept: r.copiesKept, futureCopies: r.futureCopies } };
}
