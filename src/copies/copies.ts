/**
 * The copy protocol on any Store, written once: the copies of one task under
 * a backend root, created, read, removed, cleaned up after dead runs and
 * rotated. Copies belong to the task their manifest or mark names; copies
 * naming no task (legacy ones, marks of earlier versions) belong to the task
 * that finds them. A task never removes another task's copies.
 */
import type { Store, StoreCapabilities } from "../backends/store.ts";
import { chooseRemovals, type RotationChoice, type RotationLimits } from "../backup/rotation.ts";
import { BackendError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { storeCall } from "./call.ts";
import { MARK_NAME, objectKey, type CopyInfo } from "./names.ts";
import { writerAlive } from "./mark.ts";
import { copyReader, type CopyReader } from "./reader.ts";
import { removeCopy } from "./remove.ts";
import { scanCopies, scanCopy, type Scan, type ScannedCopy } from "./scan.ts";
import { createCopy, type CopyWriter } from "./writer.ts";

export interface CopiesContext {
  /** The task whose copies these are. */
  readonly taskId: string;
  readonly log: Logger;
}

/** A copy that could not be removed: where, and why. The run goes on, and says so at its end. */
export interface RemovalFailure {
  readonly prefix: string;
  readonly location: string;
  readonly error: Error;
}

export interface Cleanup {
  /** Prefixes removed. */
  readonly removed: string[];
  readonly failures: RemovalFailure[];
}

export class Copies {
  constructor(
    readonly store: Store,
    private readonly ctx: CopiesContext,
  ) {}

  get capabilities(): StoreCapabilities {
    return this.store.capabilities;
  }

  get taskId(): string {
    return this.ctx.taskId;
  }

  /** The root, for people: `/var/backups/web1`, `s3://bucket/root`. */
  describe(): string {
    return this.store.location("");
  }

  /** Every copy under the root, of every task, oldest first. */
  async scan(): Promise<Scan> {
    if (this.store.capabilities.discards) return { copies: [], emptyDirs: [] };
    return scanCopies(this.store);
  }

  /** True when the copy is this task's: its manifest or mark names this task, or names none. */
  owns(copy: ScannedCopy): boolean {
    return copy.owner === undefined || copy.owner === this.ctx.taskId;
  }

  /** This task's copies (and legacy ones), oldest first. */
  async listOwn(): Promise<ScannedCopy[]> {
    return (await this.scan()).copies.filter((c) => this.owns(c));
  }

  async listCopies(): Promise<CopyInfo[]> {
    return (await this.listOwn()).map(({ prefix, state, size }) => ({ prefix, state, size }));
  }

  createCopy(prefix: string): Promise<CopyWriter> {
    return createCopy(this.store, prefix, this.ctx.taskId, this.ctx.log);
  }

  async openCopy(prefix: string): Promise<CopyReader> {
    const copy = this.store.capabilities.discards ? null : await scanCopy(this.store, prefix);
    if (!copy) throw new BackendError(`no copy ${prefix} under ${this.describe()}`);
    return copyReader(this.store, copy);
  }

  /** Removes a copy whatever its state (manifest first, mark last). */
  async removeCopy(prefix: string): Promise<void> {
    const copy = await scanCopy(this.store, prefix);
    if (copy) await removeCopy(this.store, prefix, this.ctx.taskId, copy.mark !== undefined);
  }

  /**
   * What dead runs of this task left: incomplete copies whose writer is gone
   * are removed, stray marks of complete copies are dropped, and folders named
   * as a prefix that hold nothing are cleared. Failures are reported, never thrown.
   */
  async cleanLeftovers(scan?: Scan): Promise<Cleanup> {
    const { copies, emptyDirs } = scan ?? (await this.scan());
    const removed: string[] = [];
    const failures: RemovalFailure[] = [];
    for (const c of copies) {
      if (!this.owns(c) || !c.mark || writerAlive(c.mark)) continue;
      if (c.state === "complete") {
        const mark = objectKey(c.prefix, MARK_NAME);
        this.ctx.log.info(`copy ${c.prefix} under ${this.describe()} is complete: removing the mark its run left`);
        await storeCall(this.store, "removing the mark", mark, () => this.store.remove([mark])).catch((e) => failures.push(this._failure(c.prefix, e)));
        continue;
      }
      if (c.state !== "incomplete") continue;
      this.ctx.log.warn(`removing ${c.prefix} under ${this.describe()}: an incomplete copy left by a run that died`);
      try {
        await removeCopy(this.store, c.prefix, this.ctx.taskId, true);
        removed.push(c.prefix);
      } catch (e) {
        failures.push(this._failure(c.prefix, e));
      }
    }
    for (const dir of emptyDirs) {
      if (this.store.prune) await storeCall(this.store, "clearing", `${dir}/`, () => this.store.prune!(`${dir}/`)).catch((e) => failures.push(this._failure(dir, e)));
    }
    return { removed, failures };
  }

  /**
   * Rotation after `newPrefix` was committed: the pure planner chooses among
   * this task's copies (and legacy ones) which to remove; each is removed in
   * turn, a failure reported and the next one tried.
   */
  async rotate(newPrefix: string | null, limits: RotationLimits): Promise<Cleanup & { choice: RotationChoice }> {
    const own = (await this.listOwn()).filter((c) => c.state !== "incomplete" || c.prefix === newPrefix);
    const choice = chooseRemovals(own, newPrefix, limits);
    const byPrefix = new Map(own.map((c) => [c.prefix, c]));
    const removed: string[] = [];
    const failures: RemovalFailure[] = [];
    for (const prefix of choice.remove) {
      try {
        await removeCopy(this.store, prefix, this.ctx.taskId, byPrefix.get(prefix)?.mark !== undefined);
        removed.push(prefix);
      } catch (e) {
        failures.push(this._failure(prefix, e));
      }
    }
    return { removed, failures, choice };
  }

  /** Releases the store (clients, connections). Never throws: a store that fails to close has nothing more to lose, and the run's outcome stands. */
  async close(): Promise<void> {
    try {
      await this.store.close?.();
    } catch (e) {
      this.ctx.log.warn(`${this.describe()}: closing the store failed: ${(e as Error)?.message ?? e}`);
    }
  }

  private _failure(prefix: string, e: unknown): RemovalFailure {
    const error = e instanceof Error ? e : new Error(String(e));
    return { prefix, location: this.store.location(`${prefix}/`), error };
  }
}
