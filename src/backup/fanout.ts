/**
 * Fan-out: one copy written to several backends at once. Each object's
 * pipeline runs once; its output goes to every destination's sink, each
 * destination with its own copy, manifest and rotation. As a CopyWriter, the
 * backup runner sees one writer. With one destination left the sink is that
 * destination's own (so a local file still takes the pipeline's output
 * directly); with more, palhm reads the output and writes it to each.
 *
 * `require: "all"`: any destination's failure fails the object, and the run
 * rolls back everywhere. `"any"`: the failing destination's copy is rolled
 * back and left out; the others go on; the run ends by naming it (exit 1).
 */
import type { ResolvedBackendParam } from "../config/resolved.ts";
import type { Copies } from "../copies/copies.ts";
import type { CopyWriter } from "../copies/writer.ts";
import type { Sink, SinkOptions } from "../backends/store.ts";
import type { Manifest } from "./manifest.ts";
import type { Logger } from "../log.ts";

export interface Destination {
  readonly param: ResolvedBackendParam;
  readonly copies: Copies;
  writer?: CopyWriter;
  /** Why this destination was left out (require "any"). */
  failed?: Error;
}

export class FanOut implements CopyWriter {
  constructor(
    readonly destinations: readonly Destination[],
    private readonly require: "all" | "any",
    private readonly taskId: string,
    private readonly log: Logger,
  ) {}

  /** Destinations still written to. */
  get live(): Destination[] {
    return this.destinations.filter((d) => d.writer && !d.failed);
  }

  get prefix(): string {
    return this._first().prefix;
  }

  get location(): string {
    return this._first().location;
  }

  /** A destination failed: under "all" the error goes on (the run fails); under "any" that copy is rolled back and left out. */
  async fail(d: Destination, e: unknown): Promise<void> {
    // Objects are built in parallel: another object's write may meet the same destination's failure.
    if (d.failed) return;
    const error = e instanceof Error ? e : new Error(String(e));
    if (this.require === "all" || this.live.length <= 1) throw error;
    d.failed = error;
    this.log.error(`task ${this.taskId}: ${d.copies.describe()} failed and is left out of this run (require: "any"): ${error.message}`);
    await d.writer?.rollback().catch((re: Error) => this.log.error(`task ${this.taskId}: rolling back ${d.writer!.location} failed: ${re.message}`));
  }

  async openSink(path: string, options?: SinkOptions): Promise<Sink> {
    const opened: { d: Destination; sink: Sink }[] = [];
    for (const d of this.live) {
      try {
        opened.push({ d, sink: await d.writer!.openSink(path, options) });
      } catch (e) {
        await this.fail(d, e);
      }
    }
    if (opened.length === 1) return opened[0]!.sink;
    return this._tee(opened);
  }

  private _tee(entries: { d: Destination; sink: Sink }[]): Sink {
    const each = async (fn: (sink: Sink) => void | Promise<void>) => {
      for (const { d, sink } of entries) {
        if (d.failed) continue;
        try {
          await fn(sink);
        } catch (e) {
          await sink.abort(e).catch(() => {});
          await this.fail(d, e);
        }
      }
    };
    return {
      write: (chunk) => each((s) => s.write(chunk)),
      close: () => each((s) => s.close()),
      abort: async (reason) => {
        for (const { d, sink } of entries) if (!d.failed) await sink.abort(reason).catch(() => {});
      },
    };
  }

  async commit(manifest: Manifest): Promise<void> {
    for (const d of this.live) {
      try {
        await d.writer!.commit(manifest);
      } catch (e) {
        await this.fail(d, e);
      }
    }
  }

  async rollback(): Promise<void> {
    let first: unknown;
    for (const d of this.destinations) {
      if (!d.writer || d.failed) continue;
      await d.writer.rollback().catch((e) => (first ??= e));
    }
    if (first) throw first;
  }

  async finalize(): Promise<void> {
    for (const d of this.live) await d.writer!.finalize();
  }

  private _first(): CopyWriter {
    return (this.live[0] ?? this.destinations.find((d) => d.writer))!.writer!;
  }
}
