/** `palhm rotate TASK [--dry-run]`: rotation outside a run, on the task's own copies, under its run lock. */
import type { ResolvedConfig } from "../config/resolved.ts";
import { descriptorOf } from "../backends/registry.ts";
import { BackendError } from "../errors.ts";
import { openTaskSession, interruptedOr } from "../restore/session.ts";
import { toJson } from "../ui/report.ts";
import { chooseRemovals } from "./rotation.ts";
import { formatRotation, newestCopy, rulesLine } from "./rotation-report.ts";
import { warnRotation } from "./rotation-warnings.ts";

export async function rotateCommand(config: ResolvedConfig, taskId: string, opts: { dryRun: boolean; json: boolean }): Promise<number> {
  const session = await openTaskSession(config, taskId, { lock: !opts.dryRun });
  const { ctx, task, copies } = session;
  try {
    const limits = descriptorOf(task.backend).rotation(task.backend);
    if (limits === null || copies.capabilities.discards) {
      if (opts.json) process.stdout.write(toJson({ ok: true, task: task.id, dryRun: opts.dryRun, copies: [] }));
      else ctx.log.info(`task ${task.id}: its backend keeps no copies, nothing to rotate`);
      return 0;
    }
    const now = new Date();
    // Incomplete copies are not rotation's: a run may be writing them; the next run removes those of dead runs.
    const own = (await copies.listOwn()).filter((c) => c.state !== "incomplete");
    const newest = newestCopy(own, now);
    const choice = chooseRemovals(own, newest, limits, now);
    warnRotation(task.id, copies.describe(), choice, ctx.log, opts.dryRun);
    let removed: string[] = [];
    let failures: { prefix: string; error: Error }[] = [];
    if (!opts.dryRun && choice.remove.length) {
      const done = await copies.rotate(newest ?? "", limits);
      removed = done.removed;
      failures = done.failures;
      for (const p of removed) ctx.log.info(`task ${task.id}: rotation removed copy ${p}`);
    }
    const header = `task ${task.id} under ${copies.describe()}: ${rulesLine(limits)}${opts.dryRun ? " (dry run: nothing removed)" : ""}`;
    if (opts.json) {
      process.stdout.write(
        toJson({
          ok: failures.length === 0, task: task.id, dryRun: opts.dryRun, location: copies.describe(), copies: choice.decisions,
          future: choice.future, overridden: choice.overridden, ...(opts.dryRun ? {} : { removed, failures: failures.map((f) => ({ prefix: f.prefix, error: f.error.message })) }),
        }),
      );
    } else if (own.length) {
      process.stdout.write(formatRotation(choice, header) + "\n");
    } else {
      ctx.log.info(`task ${task.id} has no copies in ${copies.describe()}`);
    }
    if (failures.length) {
      throw new BackendError(`task ${task.id}: rotation could not remove ${failures.map((f) => `${f.prefix} (${f.error.message})`).join(", ")}`);
    }
    return 0;
  } catch (e) {
    throw interruptedOr(ctx, e);
  } finally {
    await session.close();
  }
}
