/**
 * fixclock: sync the clock before backup and restore, TKLBAM's example hook.
 *
 * Copy prefixes are UTC times and S3 refuses requests from a skewed clock, so
 * palhm runs `ntpdate -u $NTPSERVER` (default `pool.ntp.org`) at `pre`. When it
 * fails, the operation stops with a framed explanation: the command and what
 * it printed.
 *
 * @example
 * // palhm.config.ts
 * import { fixclockHooks } from "./config/hooks/fixclock.ts";
 * export default defineConfig({ hooks: fixclockHooks, tasks: { ... } });
 *
 * Offline (e.g. while developing), leave it out of the config; to use an
 * internal NTP server, set NTPSERVER in palhm's environment.
 */
import type { HookContext, Hooks, HookSpec } from "palhm";

/** The explanation printed when the clock could not be synced. */
export function fixclockFailure(command: string, output: string): string {
  return `##########################
## FIXCLOCK HOOK FAILED ##
##########################

Backups need a UTC synchronized clock so we invoked the following command:

    ${command}

Unfortunately, something went wrong...

${output.trimEnd()}
`;
}

/** Runs `ntpdate -u $NTPSERVER`; throws the framed explanation when it fails. */
export async function fixclock(ctx: HookContext): Promise<void> {
  const argv = ["ntpdate", "-u", ctx.env.NTPSERVER || "pool.ntp.org"];
  const out = await ctx.$({ quiet: true, nothrow: true })`${argv}`;
  if (out.exitCode !== 0) throw new Error(fixclockFailure(argv.join(" "), out.stdout + out.stderr));
  ctx.log.debug(`clock synced: ${out.stdout.trim()}`);
}

/** ntpdate gives up on its own; the timeout only guards against a hung resolver. */
const _spec: HookSpec = { name: "fixclock", run: fixclock, timeout: 120 };

/** fixclock at `pre` of both operations, ready for `hooks:` in the config. */
export const fixclockHooks: Hooks = { backup: { pre: _spec }, restore: { pre: _spec } };
