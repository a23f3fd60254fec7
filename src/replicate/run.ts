/**
 * Running a replicate task: the source backup task's complete copies that
 * the destination lacks are brought one by one (transfer.ts), then the
 * destination is rotated by its own limits and keep rules. Leftovers of an
 * interrupted replication are incomplete copies at the destination: removed
 * first, and brought again. One copy that fails (a damaged source object)
 * is rolled back and named; the others go on, and the run exits 1.
 */
import type { ResolvedBackupTask, ResolvedReplicateTask } from "../config/resolved.ts";
import type { RunContext } from "../run/context.ts";
import { descriptorOf } from "../backends/registry.ts";
import { openCopies } from "../copies/open.ts";
import type { Copies, RemovalFailure } from "../copies/copies.ts";
import { TaskError, isPalhmError } from "../errors.ts";
import { removeLeftovers, rotateCopies } from "../backup/rotate-copies.ts";
import { formatBytes } from "../ui/format.ts";
import { planReplication } from "./select.ts";
import { transferCopy, type Transferred } from "./transfer.ts";

export interface ReplicateResult {
  readonly task: string;
  /** The source backup task. */
  readonly from: string;
  /** The destination root. */
  readonly location: string;
  /** Copies brought by this run, oldest first. */
  readonly copies: readonly Transferred[];
  /** Source copies left out, and why. */
  readonly skipped: readonly { readonly prefix: string; readonly why: string }[];
  /** Copies the destination's rotation removed, and leftovers of interrupted runs. */
  readonly removed: readonly string[];
  readonly durationMs: number;
  /** Copies at the destination after rotation. */
  readonly copiesKept?: number;
  /** The newest complete replica at the destination after the run. */
  readonly newest?: string;
}

export async function runReplicate(task: ResolvedReplicateTask, ctx: RunContext): Promise<ReplicateResult> {
  const t0 = performance.now();
  const source = ctx.config.tasks.get(task.from) as ResolvedBackupTask;
  const { log, signal } = ctx;
  const src = await openCopies(source.backend, { taskId: source.id, log, signal });
  let dst: Copies | undefined;
  try {
    dst = await openCopies(task.to, { taskId: task.id, log, signal });
    const limits = descriptorOf(task.to).rotation(task.to)!;
    const failures: RemovalFailure[] = [];
    const srcCopies = (await src.scan()).copies.filter((c) => src.owns(c));
    const dstScan = await dst.scan();
    const gone = new Set(await removeLeftovers(task.id, dst, log, failures, dstScan));
    const dstCopies = dstScan.copies.filter((c) => dst!.owns(c) && !gone.has(c.prefix));

    const plan = planReplication(srcCopies, dstCopies, task.copies, limits);
    for (const s of plan.skipped) (s.warn ? log.warn : log.debug)(`task ${task.id}: copy ${s.prefix} of task ${source.id} is not replicated: ${s.why}`);
    if (!plan.bring.length) log.info(`task ${task.id}: ${dst.describe()} holds every copy of task ${source.id} it should (${plan.present.length})`);

    const brought: Transferred[] = [];
    const failed: { prefix: string; error: Error }[] = [];
    for (const copy of plan.bring) {
      signal.throwIfAborted();
      log.info(`task ${task.id}: replicating copy ${copy.prefix} (${copy.objects.length} object(s), ${formatBytes(copy.size)}) to ${dst.describe()}`);
      try {
        const t = await transferCopy(copy, src, dst, { taskId: task.id, signal });
        if (t.unverified) log.warn(`task ${task.id}: copy ${copy.prefix} is a legacy copy: replicated, but never verified (no manifest at the source)`);
        if (t.serverSide) log.debug(`task ${task.id}: ${t.serverSide} object(s) of ${copy.prefix} copied server-side`);
        brought.push(t);
      } catch (e) {
        if (signal.aborted || !isPalhmError(e)) throw signal.aborted ? signal.reason : e;
        log.error(`task ${task.id}: copy ${copy.prefix} not replicated: ${(e as Error).message}`);
        failed.push({ prefix: copy.prefix, error: e as Error });
      }
    }

    const rotation = await rotateCopies(task.id, dst, brought.at(-1)?.prefix ?? null, limits, log, failures);
    const result: ReplicateResult = {
      task: task.id, from: source.id, location: dst.describe(), copies: brought,
      skipped: plan.skipped.map(({ prefix, why }) => ({ prefix, why })), removed: [...gone, ...rotation.removed],
      durationMs: Math.round(performance.now() - t0), ...(rotation.copiesKept === undefined ? {} : { copiesKept: rotation.copiesKept }),
      ...(rotation.newest ? { newest: rotation.newest } : {}),
    };
    if (failed.length || failures.length) {
      const lines = [
        ...failed.map((f) => `copy ${f.prefix}: ${f.error.message}`),
        ...failures.map((f) => `${f.location}: ${f.error.message}`),
      ];
      const err = new TaskError(`task ${task.id}: ${brought.length} cop${brought.length === 1 ? "y" : "ies"} replicated, but:\n  ${lines.join("\n  ")}`);
      Object.assign(err, { result });
      throw err;
    }
    return result;
  } finally {
    await dst?.close();
    await src.close();
  }
}
