/**
 * One error hierarchy. Each error is a diagnosis for the user: the CLI prints
 * `message` as one paragraph (no stack) and exits with `exitCode`. Anything
 * that is not a PalhmError is a bug and is printed with its stack.
 */
export class PalhmError extends Error {
  /** Process exit status the CLI uses for this error. */
  readonly exitCode: number = 1;
  /** Stable machine-readable code, printed in `--json` output. */
  readonly code: string = "EPALHM";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The config is wrong: exit 2 before anything runs. `path` locates the fault, e.g. `tasks.backup.objects[2].pipeline[1]`. */
export class ConfigError extends PalhmError {
  override readonly exitCode = 2;
  override readonly code = "ECONFIG";
  constructor(
    message: string,
    readonly path?: string,
    readonly source?: string,
  ) {
    super(`${source ? `${source}: ` : ""}${path ? `${path}: ` : ""}${message}`);
  }
}

/** The command line is wrong: exit 2. */
export class UsageError extends PalhmError {
  override readonly exitCode = 2;
  override readonly code = "EUSAGE";
}

/** A task failed (exit 1). */
export class TaskError extends PalhmError {
  override readonly code: string = "ETASK";
}

/** A process exited with a code outside its accepted range. */
export class ExecError extends TaskError {
  override readonly code = "EEXEC";
  /** The last lines the failing program wrote to stderr (at most 64 KiB; "" when it wrote none). */
  readonly stderrTail: string;
  /** Those lines were shown live on palhm's stderr already; otherwise they were held for this failure. */
  readonly stderrShown: boolean;
  constructor(
    message: string,
    readonly argv: readonly string[],
    readonly exitStatus: number | null,
    readonly signalName: string | null,
    readonly accepted: string,
    readonly objectPath?: string,
    stderr: { readonly tail?: string; readonly shown?: boolean } = {},
  ) {
    super(message);
    this.stderrTail = stderr.tail ?? "";
    this.stderrShown = stderr.shown ?? false;
  }
}

/** A hook threw or exited non-zero. */
export class HookError extends TaskError {
  override readonly code = "EHOOK";
  constructor(
    message: string,
    readonly hook: string,
    readonly op: string,
    readonly state: string,
    readonly exitStatus?: number | null,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A backend operation failed (I/O error, S3 error). */
export class BackendError extends TaskError {
  override readonly code = "EBACKEND";
}

/**
 * Old copies (rotation) or leftovers of dead runs could not be removed. The
 * run made its new copy and kept it; it still exits 1 so the problem is seen.
 */
export class RemovalError extends TaskError {
  override readonly code = "EREMOVE";
  constructor(
    message: string,
    /** Each copy that could not be removed: its prefix, where it is, and why. */
    readonly failures: readonly { readonly prefix: string; readonly location: string; readonly cause: string }[],
    /** The new copy, complete and kept. */
    readonly kept: { readonly prefix: string; readonly location: string },
  ) {
    super(message);
  }
}

/** A copy or object does not match its manifest. */
export class VerifyError extends TaskError {
  override readonly code = "EVERIFY";
}

/**
 * Objects stored in an archive storage class (S3 GLACIER, DEEP_ARCHIVE) cannot be read until the store
 * thaws them: not a permission problem. `restore --thaw DAYS` asks for it.
 */
export class ArchivedError extends TaskError {
  override readonly code = "EARCHIVED";
  constructor(
    message: string,
    /** Every archived object concerned. */
    readonly objects: readonly { readonly path: string; readonly storageClass: string; readonly thawing: boolean }[],
  ) {
    super(message);
  }
}

/** `restore --thaw` asked the store to thaw objects, which takes hours: run the restore again later. Exit 75 (EX_TEMPFAIL). */
export class ThawPendingError extends PalhmError {
  override readonly exitCode = 75;
  override readonly code = "ETHAW";
}

/** Another run of the same task on the same backend root holds the lock. Exit 75 (EX_TEMPFAIL). */
export class LockError extends PalhmError {
  override readonly exitCode = 75;
  override readonly code = "ELOCKED";
}

/** The run was interrupted by a signal: exit 128 + signal number (130 SIGINT, 143 SIGTERM). */
export class InterruptedError extends PalhmError {
  override readonly code = "EINTR";
  override readonly exitCode: number;
  constructor(readonly signal: "SIGINT" | "SIGTERM" | "SIGHUP") {
    super(`interrupted by ${signal}`);
    this.exitCode = signal === "SIGINT" ? 130 : signal === "SIGTERM" ? 143 : 129;
  }
}

export function isPalhmError(e: unknown): e is PalhmError {
  return e instanceof PalhmError;
}
