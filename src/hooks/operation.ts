/**
 * The life cycle of a backup or restore operation around its hooks, in one
 * place for both operations:
 *
 *   prepare (judge hooks.d; a refusal fails before any hook or body runs)
 *   pre → body (which calls `inspect()` once its objects are built/fetched) → post
 *   on success: finally; a failing finally hook fails the operation.
 *   on failure (of pre, the body, inspect or post): error hooks (`ctx.error`,
 *   `$PALHM_ERROR`), then finally hooks, then the original error is rethrown.
 *   A failing error/finally hook is logged and attached to the original error
 *   (see `hookFailuresOf`), never replaces it.
 *
 * So a failing `pre` stops the remaining `pre` hooks and the body never runs;
 * a failing `inspect` fails the body, which rolls its copy back; a failing
 * `post` fails the run after the body committed, so the copy stays.
 * Rolling back is the body's business (it knows what it wrote): a body must
 * roll back before it rethrows.
 */
import type { HookError } from "../errors.ts";
import { messageOf } from "./failure.ts";
import type { HookFacts, HookRunner } from "./runner.ts";

const _hookFailures = Symbol("palhm.hookFailures");

/** The error/finally hook failures that happened while handling `error`. */
export function hookFailuresOf(error: unknown): readonly HookError[] {
  return (error as { [_hookFailures]?: HookError[] } | null)?.[_hookFailures] ?? [];
}

export async function runOperation<T>(
  runner: HookRunner,
  facts: HookFacts,
  body: (inspect: () => Promise<void>) => Promise<T>,
): Promise<T> {
  await runner.prepare();
  let result: T;
  try {
    await runner.run("pre", facts);
    result = await body(() => runner.run("inspect", facts));
    await runner.run("post", facts);
  } catch (error) {
    facts.error = error;
    const failures: HookError[] = [];
    for (const state of ["error", "finally"] as const) {
      await runner.run(state, facts).catch((e: HookError) => {
        runner.options.log.error(`${messageOf(e)} (while handling: ${messageOf(error)})`);
        failures.push(e);
      });
    }
    _attach(error, failures);
    throw error;
  }
  await runner.run("finally", facts);
  return result;
}

function _attach(error: unknown, failures: HookError[]): void {
  if (failures.length === 0 || typeof error !== "object" || error === null) return;
  const earlier = hookFailuresOf(error);
  try {
    Object.defineProperty(error, _hookFailures, { value: [...earlier, ...failures], configurable: true });
  } catch {
    // a frozen error: the failures were logged already
  }
}
