/**
 * Signals during a run, and the `sigmask` emulation.
 *
 * SIGINT, SIGTERM and SIGHUP abort the run: the AbortSignal handed to the
 * runners fires with an InterruptedError as its reason; runners stop their
 * children and roll back, and the run exits 130/143/129. A second signal
 * while they clean up is logged (cleanup is not abandoned); a third forces
 * the exit, after killing every process palhm started (see `reap.ts`).
 *
 * Bun gives JavaScript no sigprocmask, so `sigmask` is emulated at palhm's
 * level: a blocked signal that arrives is recorded as pending and does not
 * interrupt; unblocking it delivers it then (an interrupt, or for a signal
 * palhm does not handle, its default action). A signal still pending when
 * the run ends is dropped, as the kernel drops it when a process exits with
 * it blocked. Children spawned by routine exec steps while signals are
 * blocked get them blocked (and ignored) for real (see `childBlockPrefix`).
 */
import { constants } from "node:os";
import { InterruptedError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { adoptOrphans, killDescendants, processTreeClaimed } from "./reap.ts";

type Interrupting = "SIGINT" | "SIGTERM" | "SIGHUP";
const INTERRUPTING: readonly Interrupting[] = ["SIGINT", "SIGTERM", "SIGHUP"];
/** The kernel never lets these be blocked. */
const UNBLOCKABLE = new Set<NodeJS.Signals>(["SIGKILL", "SIGSTOP"]);

export interface InterruptsOptions {
  readonly log: Logger;
  /** How to end the process on the third signal. @default kill every descendant process, then process.exit */
  readonly forceExit?: (status: number) => void;
  /** What `dispose()` does after an interrupt; returns how many processes it killed. @default kill every descendant process (in palhm's CLI only) */
  readonly killLeftovers?: () => number;
}

/** The signal state of one run. Create it with `installInterrupts`, `dispose()` it when the run ends. */
export class Interrupts {
  readonly #ac = new AbortController();
  readonly #blocked = new Set<NodeJS.Signals>();
  readonly #pending = new Set<NodeJS.Signals>();
  readonly #handlers = new Map<NodeJS.Signals, () => void>();
  #received = 0;

  constructor(readonly options: InterruptsOptions) {
    for (const sig of INTERRUPTING) this.#listen(sig);
    if (processTreeClaimed()) void adoptOrphans();
  }

  /** Fires on the first unblocked SIGINT/SIGTERM/SIGHUP; `reason` is an InterruptedError. */
  get signal(): AbortSignal {
    return this.#ac.signal;
  }

  /** Signals currently blocked, e.g. `["SIGTERM"]`. */
  get blocked(): readonly NodeJS.Signals[] {
    return [...this.#blocked];
  }

  block(sigs: readonly NodeJS.Signals[]): void {
    for (const sig of sigs) {
      if (UNBLOCKABLE.has(sig)) {
        this.options.log.warn(`sigmask: ${sig} cannot be blocked; ignored`);
        continue;
      }
      this.#blocked.add(sig);
      if (!this.#handlers.has(sig)) this.#listen(sig);
      this.options.log.debug(`sigmask: ${sig} blocked`);
    }
  }

  unblock(sigs: readonly NodeJS.Signals[]): void {
    for (const sig of sigs) {
      if (!this.#blocked.delete(sig)) continue;
      this.options.log.debug(`sigmask: ${sig} unblocked`);
      if (!INTERRUPTING.includes(sig as Interrupting)) this.#unlisten(sig);
      if (this.#pending.delete(sig)) {
        this.options.log.info(`${sig} was received while blocked; delivering it now`);
        this.#deliver(sig);
      }
    }
  }

  /**
   * Removes the handlers. Pending blocked signals are dropped (logged). After an interrupt,
   * every process palhm started that still runs is killed: the run is over, nothing waits for them.
   */
  dispose(): void {
    for (const sig of this.#pending) this.options.log.warn(`${sig} was received while blocked and never unblocked; dropped`);
    this.#pending.clear();
    for (const sig of [...this.#handlers.keys()]) this.#unlisten(sig);
    const killLeftovers = this.options.killLeftovers ?? (processTreeClaimed() ? killDescendants : undefined);
    if (this.#ac.signal.aborted && killLeftovers) {
      const killed = killLeftovers();
      if (killed > 0) this.options.log.warn(`killed ${killed} process(es) still running after the interrupted run's cleanup`);
    }
  }

  /** Handles a signal as if the process had received it (also what the handlers call). */
  receive(sig: NodeJS.Signals): void {
    if (this.#blocked.has(sig)) {
      if (!this.#pending.has(sig)) this.options.log.info(`${sig} received while blocked (sigmask); deferred`);
      this.#pending.add(sig);
      return;
    }
    this.#deliver(sig);
  }

  #deliver(sig: NodeJS.Signals): void {
    if (!INTERRUPTING.includes(sig as Interrupting)) {
      // Not one palhm handles: its default action, as the kernel would do on unblock.
      this.#unlisten(sig);
      process.kill(process.pid, sig);
      return;
    }
    this.#received++;
    if (this.#received === 1) {
      this.options.log.warn(`${sig} received: stopping children and rolling back`);
      this.#ac.abort(new InterruptedError(sig as Interrupting));
    } else if (this.#received === 2) {
      this.options.log.warn(`${sig} received again: cleanup is still in progress (stopping children, rolling back); send it once more to exit at once`);
    } else {
      const status = (this.#ac.signal.reason as InterruptedError).exitCode;
      this.options.log.error(`${sig} received a third time: killing every child process and exiting now, cleanup not finished`);
      (this.options.forceExit ?? _forceExit)(status);
    }
  }

  #listen(sig: NodeJS.Signals): void {
    const h = () => this.receive(sig);
    this.#handlers.set(sig, h);
    process.on(sig, h);
  }

  #unlisten(sig: NodeJS.Signals): void {
    const h = this.#handlers.get(sig);
    if (!h) return;
    process.off(sig, h);
    this.#handlers.delete(sig);
  }
}

function _forceExit(status: number): never {
  killDescendants();
  process.exit(status);
}

export function installInterrupts(options: InterruptsOptions): Interrupts {
  return new Interrupts(options);
}

/** Signal number, for `env --block-signal` and exit codes. */
export function signalNumber(sig: NodeJS.Signals): number | undefined {
  return (constants.signals as Record<string, number>)[sig];
}

/**
 * argv prefix that starts a child with `sigs` blocked and ignored (both are
 * inherited through exec): blocked as a real sigprocmask would leave them,
 * ignored too because shells such as dash clear the blocked mask at start-up
 * but must keep signals that were ignored on entry ignored. GNU coreutils'
 * `env` (>= 8.31) does it; no shell is involved, and the program's argv
 * follows `--` unchanged.
 */
export function childBlockPrefix(sigs: readonly NodeJS.Signals[]): string[] {
  if (!sigs.length) return [];
  const list = sigs.map((s) => s.replace(/^SIG/, "")).join(",");
  return ["env", `--block-signal=${list}`, `--ignore-signal=${list}`, "--"];
}
