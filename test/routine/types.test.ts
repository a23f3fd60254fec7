/**
 * Type behaviour of routines and config/core.ts: `tsc --noEmit` (part of `bun run test`)
 * fails if a marked mistake stops being a type error.
 */
import { expect, test } from "bun:test";
import { defineConfig } from "palhm";
import core from "../../config/core.ts";

const config = defineConfig({
  include: [core],
  tasks: {
    dump: { type: "backup", backend: { type: "null" }, objects: [{ path: "x", pipeline: ["os-release", "filter-zstd-parallel"] }] },
    default: {
      type: "routine",
      steps: [
        "os-release",
        { exec: "tar", argv: ["/etc"] },
        { task: "dump" },
        { builtin: "sigmask", param: [{ action: "block", sig: ["TERM", 2] }] },
        async (ctx) => {
          ctx.log.info(ctx.taskId, ctx.verbosity, ctx.signal.aborted);
          await ctx.$`true`;
        },
        // @ts-expect-error: misspelt exec id from config/core.ts
        "filter-zstd-paralel",
        // @ts-expect-error: unknown task
        { task: "dumb" },
        // @ts-expect-error: sigmask action
        { builtin: "sigmask", param: [{ action: "mask", sig: ["TERM"] }] },
      ],
    },
  },
});

test("routine steps and core exec ids are checked by the type system (see tsc)", () => {
  expect(Object.keys(config.tasks ?? {})).toEqual(["dump", "default"]);
});
