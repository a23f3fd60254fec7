/**
 * `palhm restore`: one copy, chosen and checked, brought back either through
 * each object's `restore` pipeline or as files under `--to DIR`.
 *
 *   pre → fetch and verify every object → inspect → apply → post
 *
 * Nothing is applied before every selected object has been verified against
 * the manifest (size and SHA-256). A local copy is verified by a read pass
 * and then streamed into the pipeline (hashed again on the way, so a file
 * changed in between is caught); a remote one is downloaded into a stage,
 * verified, and the verified file is handed to the pipeline as its stdin.
 * With `--to`, files are written into a stage inside DIR, verified, and
 * renamed into place after `inspect`; any failure removes the stage.
 */
import { tmpdir } from "node:os";
import type { Copies } from "../copies/copies.ts";
import type { CopyReader } from "../copies/reader.ts";
import type { ManifestObject } from "../backup/manifest.ts";
import type { ResolvedBackupTask, ResolvedObject } from "../config/resolved.ts";
import { VerifyError } from "../errors.ts";
import { HookRunner } from "../hooks/runner.ts";
import { runOperation } from "../hooks/operation.ts";
import type { RunContext } from "../run/context.ts";
import { countedStream, progressFor, type Progress } from "../ui/progress.ts";
import { assertMatches, digestObject, type Digest } from "./hash-stream.ts";
import { feedFile, feedObject } from "./feed.ts";
import { existingTargets, placeFiles, refuseOverwrite } from "./place.ts";
import { applyOrder, pickCopy, pickPaths, restorePipelines } from "./select.ts";
import { checkObjectPath, Stage } from "./stage.ts";
import { withIdentity } from "./identity.ts";
import { thawOrRefuse } from "./thaw.ts";

export interface RestoreOptions {
  /** Prefix of the copy; default the latest complete one. */
  readonly copy?: string;
  /** Object paths to restore; default all of the copy's. */
  readonly objects?: readonly string[];
  /** Write the objects as files under this directory instead of running restore pipelines. */
  readonly to?: string;
  /** With `to`: replace existing files. */
  readonly force?: boolean;
  /** Where remote objects are staged before they are fed to a pipeline. @default $TMPDIR */
  readonly staging?: string;
  /** The private key file standing for `{identity}` in restore pipelines (else `PALHM_IDENTITY`). */
  readonly identity?: string;
  /** Ask the store to thaw the selected archived objects, readable for this many days. */
  readonly thaw?: number;
  /**
   * Apply each object as it is read, checking it against the manifest on the
   * way, instead of checking every object first: one read, no staging space,
   * but a damaged object is found once (part of) it was applied. The restore
   * then fails and no later object is applied. Pipelines only.
   */
  readonly stream?: boolean;
}

export interface RestoreResult {
  readonly task: string;
  readonly prefix: string;
  readonly location: string;
  /** false for a legacy copy (no manifest). */
  readonly verified: boolean;
  readonly to?: string;
  /** Size and SHA-256 of what was read (absent for a legacy object its pipeline did not read whole). */
  readonly objects: readonly { path: string; size?: number; sha256?: string }[];
}

interface _Plan {
  readonly copy: CopyReader;
  readonly paths: readonly string[];
  /** Manifest entries by path; empty for a legacy copy. */
  readonly expected: ReadonlyMap<string, ManifestObject>;
  readonly verified: boolean;
}

/** Chooses the copy and objects, and refuses bad requests, before any hook runs. */
async function _plan(ctx: RunContext, task: ResolvedBackupTask, copies: Copies, options: RestoreOptions): Promise<_Plan> {
  const info = pickCopy(task.id, await copies.listCopies(), options.copy, (m) => ctx.log.warn(m));
  const copy = await copies.openCopy(info.prefix);
  if (info.state === "damaged") {
    const why = await copy.manifest().then(() => "", (e: Error) => `: ${e.message}`);
    throw new VerifyError(`copy ${info.prefix} of task ${task.id} is damaged (its manifest cannot be read)${why}`);
  }
  const manifest = info.state === "complete" ? await copy.manifest() : null;
  if (info.state === "complete" && !manifest) throw new VerifyError(`copy ${info.prefix} of task ${task.id} has no readable manifest`);
  if (!manifest) ctx.log.warn(`copy ${info.prefix} is a legacy copy (no manifest): its objects cannot be verified`);
  const available = manifest ? manifest.objects.map((o) => o.path) : (await copy.objects()).map((o) => o.path);
  const paths = applyOrder(task, pickPaths(info.prefix, available, options.objects ?? []));
  paths.forEach(checkObjectPath);
  const wanted = new Set(paths);
  const frozen = (await copy.archived()).filter((a) => wanted.has(a.path));
  if (frozen.length) await thawOrRefuse(ctx, task.id, copy, frozen, options.thaw);
  else if (options.thaw !== undefined) ctx.log.info(`no object to thaw: every selected object of copy ${info.prefix} can be read`);
  const expected = new Map((manifest?.objects ?? []).map((o) => [o.path, o]));
  return { copy, paths, expected, verified: manifest !== null };
}

export async function runRestore(
  ctx: RunContext,
  task: ResolvedBackupTask,
  copies: Copies,
  options: RestoreOptions = {},
): Promise<RestoreResult> {
  const plan = await _plan(ctx, task, copies, options);
  const pipelines = options.to === undefined ? withIdentity(restorePipelines(task, plan.paths), options.identity) : null;
  if (options.to !== undefined && !options.force) refuseOverwrite(options.to, await existingTargets(options.to, plan.paths));

  const runner = new HookRunner({
    op: "restore",
    taskId: task.id,
    global: ctx.config.hooks,
    task: task.hooks,
    hooksDir: ctx.config.hooksDir,
    log: ctx.log,
    verbosity: ctx.verbosity,
    signal: ctx.signal,
  });
  await runner.prepare();
  const digests = new Map<string, Digest>();
  const progress = progressFor({ verbosity: ctx.verbosity, json: ctx.json });
  try {
    await runOperation(runner, { prefix: plan.copy.prefix, location: plan.copy.location }, async (inspect) => {
      if (pipelines) await _throughPipelines(ctx, copies, plan, pipelines, options, inspect, digests, progress);
      else await _toDirectory(ctx, plan, options.to!, options.force === true, inspect, digests, progress);
    });
  } finally {
    progress.stop();
  }
  return {
    task: task.id,
    prefix: plan.copy.prefix,
    location: plan.copy.location,
    verified: plan.verified,
    ...(options.to !== undefined ? { to: options.to } : {}),
    objects: plan.paths.map((path) => ({ path, ...digests.get(path)! })),
  };
}

async function _toDirectory(
  ctx: RunContext,
  plan: _Plan,
  dir: string,
  force: boolean,
  inspect: () => Promise<void>,
  digests: Map<string, Digest>,
  progress: Progress,
): Promise<void> {
  const stage = await Stage.create(dir);
  const copy = _counted(plan.copy, progress);
  try {
    plan.paths.forEach((p) => progress.objectQueued(p));
    for (const path of plan.paths) {
      ctx.log.debug(`fetching ${path}`);
      digests.set(path, await _tracked(progress, path, () => stage.fetch(copy, path, plan.expected.get(path) ?? null, ctx.signal)));
    }
    await inspect();
    ctx.signal.throwIfAborted();
    await placeFiles(stage, dir, plan.paths, force);
  } finally {
    await stage.discard();
  }
}

async function _throughPipelines(
  ctx: RunContext,
  copies: Copies,
  plan: _Plan,
  pipelines: ReadonlyMap<string, ResolvedObject>,
  options: RestoreOptions,
  inspect: () => Promise<void>,
  digests: Map<string, Digest>,
  progress: Progress,
): Promise<void> {
  // A local copy is cheap to read twice; anything else is read once, into the stage.
  const direct = options.stream === true || copies.capabilities.cheapReads === true || !plan.verified;
  const stage = direct ? null : await Stage.create(options.staging ?? tmpdir());
  const copy = _counted(plan.copy, progress);
  /** The local files verified just now, by object: fed to their pipelines without hashing them again while they are unchanged. */
  const verifiedFiles = new Map<string, { file: string; digest: Digest }>();
  try {
    for (const path of plan.paths) {
      const expected = plan.expected.get(path);
      if (stage) {
        ctx.log.debug(`fetching ${path}`);
        digests.set(path, await _tracked(progress, path, () => stage.fetch(copy, path, expected ?? null, ctx.signal)));
      } else if (expected && !options.stream) {
        ctx.log.debug(`verifying ${path}`);
        const digest = await _tracked(progress, path, async () => {
          // A local file is hashed on a thread, in one go: its row gets the bytes at the end.
          const { file, ...d } = await digestObject(plan.copy, path, ctx.signal);
          progress.objectBytes(path, d.size);
          assertMatches(plan.copy.prefix, expected, d);
          if (file) verifiedFiles.set(path, { file, digest: d });
          return d;
        });
        digests.set(path, digest);
      }
    }
    await inspect();
    for (const path of plan.paths) {
      ctx.signal.throwIfAborted();
      const object = pipelines.get(path)!;
      ctx.log.info(`restoring ${path}`);
      const row = `${path} → restore pipeline`;
      await _tracked(progress, row, async () => {
        if (stage) {
          await feedFile(ctx, object, stage.pathOf(path));
          progress.objectBytes(row, digests.get(path)?.size ?? 0);
        } else {
          const from = { copy: plan.copy, path, expected: plan.expected.get(path) };
          const feed = { onBytes: (n: number) => progress.objectBytes(row, n), stream: options.stream === true, verified: verifiedFiles.get(path) };
          const digest = await feedObject(ctx, object, from, feed);
          if (digest) digests.set(path, digest);
        }
      });
    }
  } finally {
    await stage?.discard();
  }
}

/** Runs one object's step as a progress row: started, then done or failed. */
async function _tracked<T>(progress: Progress, row: string, fn: () => Promise<T>): Promise<T> {
  progress.objectStarted(row);
  try {
    const result = await fn();
    progress.objectFinished(row, true);
    return result;
  } catch (e) {
    progress.objectFinished(row, false);
    throw e;
  }
}

/** The copy, with every byte read from it counted on the row of the object it belongs to. */
function _counted(copy: CopyReader, progress: Progress): CopyReader {
  return {
    prefix: copy.prefix,
    location: copy.location,
    state: copy.state,
    manifest: () => copy.manifest(),
    objects: () => copy.objects(),
    read: async (path) => countedStream(await copy.read(path), progress, path),
    // Read on a thread or by the pipeline: counted by whoever reads it.
    openFile: (path) => copy.openFile(path),
    archived: () => copy.archived(),
    thaw: (path, days) => copy.thaw(path, days),
  };
}
