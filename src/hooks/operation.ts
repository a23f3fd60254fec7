/**
 * The life cycle of a backup or restore operation around its hooks, in one
 * place for both operations. OWNED BY THE HOOKS WORK (issue 4).
 *
 *   pre → body (which calls `inspect()` when its objects are built/fetched) → post
 *   on any failure: error hooks (with the error), then finally hooks; the
 *   original error is rethrown, a failing error/finally hook never hides it.
 *   on success: finally hooks.
 * Rolling back is the body's business (it knows what it wrote): a body must
 * roll back before it rethrows.
 */
import type { HookFacts, HookRunner } from "./runner.ts";

export async function runOperation<T>(
  runner: HookRunner,
  facts: HookFacts,
  body: (inspect: () => Promise<void>) => Promise<T>,
): Promise<T> {
  let result: T;
  try {
    await runner.run("pre", facts);
    result = await body(() => runner.run("inspect", facts));
    await runner.run("post", facts);
  } catch (error) {
    facts.error = error;
    await runner.run("error", facts).catch((e) => runner.options.log.error(`${(e as Error).message} (while handling: ${(error as Error)?.message ?? error})`));
    await runner.run("finally", facts).catch((e) => runner.options.log.error((e as Error).message));
    throw error;
  }
  await runner.run("finally", facts);
  return result;
}
