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
import { closeSync, readFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import type { Copies } from "../copies/copies.ts";
import type { CopyReader } from "../copies/reader.ts";
import type { ManifestObject } from "../backup/manifest.ts";
import type { ResolvedBackupTask, ResolvedObject } from "../config/resolved.ts";
import { VerifyError } from "../errors.ts";
import { runPipeline } from "../exec/pipeline.ts";
import { HookRunner } from "../hooks/runner.ts";
import { runOperation } from "../hooks/operation.ts";
import type { RunContext } from "../run/context.ts";
import { countedStream, progressFor, type Progress } from "../ui/progress.ts";
import { assertMatches, DigestBuilder, digestObject, fileIdentity, mismatch, type Digest } from "./hash-stream.ts";
import { canFollowFiles, followFile } from "../backup/hash-follow.ts";
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
  const verifiedFiles = new Map<string, string>();
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
          if (file) verifiedFiles.set(path, file);
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
          await _feedFile(ctx, object, stage.pathOf(path));
          progress.objectBytes(row, digests.get(path)?.size ?? 0);
        } else {
          const verified = verifiedFiles.get(path);
          const onBytes = (n: number) => progress.objectBytes(row, n);
          const stream = options.stream === true;
          const digest = await _feedStream(ctx, plan, object, path, verified === undefined ? { onBytes, stream } : { onBytes, stream, verified: { file: verified, digest: digests.get(path)! } });
          if (digest) digests.set(path, digest);
        }
      });
    }
  } finally {
    await stage?.discard();
  }
}

function _pipelineOptions(ctx: RunContext, object: ResolvedObject) {
  const last = object.restore!.at(-1)!;
  return {
    signal: ctx.signal,
    verbosity: ctx.verbosity,
    label: `restore of object "${object.path}"`,
    objectPath: object.path,
    stdout: ctx.verbosity >= last.vlStdout ? ("inherit" as const) : ("ignore" as const),
  };
}

/** Hands the staged file to the pipeline as its stdin: the bytes go from the kernel to the child. */
async function _feedFile(ctx: RunContext, object: ResolvedObject, file: string): Promise<void> {
  const fh = await open(file, "r");
  try {
    await runPipeline(object.restore!, { ..._pipelineOptions(ctx, object), stdin: fh.fd });
  } finally {
    await fh.close();
  }
}

interface _Feed {
  /** Bytes the pipeline took. */
  readonly onBytes: (n: number) => void;
  /** The object's local file as verified just before (its identity), and its digest. */
  readonly verified?: { readonly file: string; readonly digest: Digest };
  /** The object was not checked before (RestoreOptions.stream). */
  readonly stream: boolean;
}

/**
 * The object's local file as the pipeline's stdin (the kernel moves the
 * bytes); the digest if the pipeline read it whole (the file offset it
 * shares with palhm's descriptor says how far it read). Null when the store
 * keeps no local file.
 *
 * The file verified just before (`verified`) is not hashed again while it is
 * the same file, unwritten, before and after the pipeline read it; any other
 * is hashed meanwhile on a thread, and compared with the manifest.
 */
async function _feedLocalFile(ctx: RunContext, plan: _Plan, object: ResolvedObject, path: string, { onBytes, verified, stream }: _Feed): Promise<Digest | null | undefined> {
  const fd = canFollowFiles() ? await plan.copy.openFile(path) : null;
  if (fd === null) return undefined;
  try {
    if (verified && fileIdentity(fd) === verified.file) {
      await runPipeline(object.restore!, { ..._pipelineOptions(ctx, object), stdin: fd });
      if (fileIdentity(fd) !== verified.file) throw _damaged(plan, path, "its file was written meanwhile", true);
      const read = _offset(fd);
      onBytes(read);
      return read >= verified.digest.size ? verified.digest : null;
    }
    const follower = followFile(fd);
    try {
      await runPipeline(object.restore!, { ..._pipelineOptions(ctx, object), stdin: fd });
    } catch (e) {
      await follower.abandon();
      throw e;
    }
    const digest = await follower.finish();
    const read = _offset(fd);
    onBytes(read);
    const whole = read >= digest.size;
    const expected = plan.expected.get(path);
    const why = whole && expected && mismatch(expected, digest);
    if (why) throw _damaged(plan, path, why, !stream);
    return whole ? digest : null;
  } finally {
    closeSync(fd);
  }
}

/** Where a descriptor's file offset stands (how far the processes sharing it have read). */
function _offset(fd: number): number {
  const m = /^pos:\s+(\d+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, "utf8"));
  return m ? Number(m[1]) : 0;
}

/** Streams the object from the backend into the pipeline, hashing it again on the way; the digest if the pipeline read it whole. */
async function _feedStream(ctx: RunContext, plan: _Plan, object: ResolvedObject, path: string, feed: _Feed): Promise<Digest | null> {
  const local = await _feedLocalFile(ctx, plan, object, path, feed);
  const { onBytes } = feed;
  if (local !== undefined) return local;
  const d = new DigestBuilder();
  let whole = false;
  const hashing = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      d.update(chunk);
      onBytes(chunk.byteLength);
      controller.enqueue(chunk);
    },
    flush() {
      whole = true;
    },
  });
  const source = (await plan.copy.read(path)).pipeThrough(hashing);
  await runPipeline(object.restore!, { ..._pipelineOptions(ctx, object), stdin: source });
  const digest = d.digest();
  const expected = plan.expected.get(path);
  // A pipeline may stop reading early (and say so by its exit code); only a whole pass can be compared.
  const why = whole && expected && mismatch(expected, digest);
  if (why) throw _damaged(plan, path, why, !feed.stream);
  return whole ? digest : null;
}

/** An object whose bytes, read while its pipeline took them, are not those of the manifest: it changed since it was checked, or (stream) it was never checked before. */
function _damaged(plan: _Plan, path: string, why: string, checkedFirst: boolean): VerifyError {
  const what = checkedFirst ? `changed while it was being restored (${why})` : `does not match its manifest (${why}), found while it was being applied (--stream)`;
  return new VerifyError(`object ${path} of copy ${plan.copy.prefix} ${what}; nothing more is applied`);
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
