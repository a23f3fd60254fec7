/**
 * The `sigmask` builtin: block or unblock signals for the rest of the run.
 *
 * palhm itself: a blocked signal is deferred until unblocked (see
 * src/run/interrupt.ts). Its children: exec steps started while signals are
 * blocked start with them blocked in their own signal mask, as under a real
 * sigprocmask, and ignored (which survives a shell that clears its mask), so
 * a terminal's Ctrl-C (sent to the whole foreground process group) or a
 * `kill` of the process group does not kill them either: `reboot` run this
 * way finishes, and so does palhm. A program may still re-enable them. Pipelines
 * of backup tasks and `ctx.$` commands are not wrapped: a signal sent to them
 * directly still stops them, and fails the task.
 */
import type { ResolvedExec, ResolvedStep } from "../config/resolved.ts";
import type { RunContext } from "../run/context.ts";
import { childBlockPrefix } from "../run/interrupt.ts";

type SigmaskParam = Extract<ResolvedStep, { kind: "sigmask" }>["param"];

export function applySigmask(param: SigmaskParam, ctx: RunContext): void {
  if (!ctx.interrupts) {
    ctx.log.debug("sigmask: no signal handling in this run; nothing to mask");
    return;
  }
  for (const p of param) {
    if (p.action === "block") ctx.interrupts.block(p.sig);
    else ctx.interrupts.unblock(p.sig);
  }
}

let _envBlocks: boolean | undefined;

/** Whether this system's `env` can start a program with signals blocked (GNU coreutils >= 8.31). */
function _envCanBlock(): boolean {
  if (_envBlocks === undefined) {
    try {
      _envBlocks = Bun.spawnSync(["env", "--block-signal=TERM", "--ignore-signal=TERM", "--", "true"], { stdout: "ignore", stderr: "ignore" }).exitCode === 0;
    } catch {
      _envBlocks = false;
    }
  }
  return _envBlocks;
}

/** The exec as it must be spawned under the run's current mask. */
export function protectExec(exec: ResolvedExec, ctx: RunContext): ResolvedExec {
  const blocked = ctx.interrupts?.blocked ?? [];
  // env would read a program name containing "=" as a variable assignment.
  if (!blocked.length || exec.argv[0]?.includes("=")) return exec;
  if (!_envCanBlock()) {
    ctx.log.warn(`sigmask: this system's env has no --block-signal; ${exec.argv[0]} runs with ${blocked.join(",")} unblocked`);
    return exec;
  }
  return { ...exec, argv: [...childBlockPrefix(blocked), ...exec.argv] };
}
