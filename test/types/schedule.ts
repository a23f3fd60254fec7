/**
 * Type tests of a task's `schedule` (checked by `tsc --noEmit -p .`): the
 * documented field of types.ts is pinned to the valibot schema, and a
 * schedule that is not a string is an error in the editor.
 */
import type * as v from "valibot";
import { defineConfig, type BackupTask, type RoutineTask } from "palhm";
import type { scheduleSchema } from "../../src/config/schema.ts";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const pinned = <T extends true>(): T => true as T;

// The documented types and the schema's accept the same values.
pinned<Equal<NonNullable<BackupTask["schedule"]>, v.InferInput<typeof scheduleSchema>>>();
pinned<Equal<NonNullable<RoutineTask["schedule"]>, v.InferInput<typeof scheduleSchema>>>();

export const scheduled = defineConfig({
  execs: { true: { argv: ["true"] } },
  tasks: {
    backup: { type: "backup", schedule: "*-*-* 03:30", backend: { type: "null" }, objects: [] },
    maintenance: { type: "routine", schedule: "Mon..Fri 22:00", steps: ["true"] },
  },
});

export const numericSchedule = defineConfig({
  tasks: {
    // @ts-expect-error a schedule is a calendar expression, not a number of seconds
    b: { type: "backup", schedule: 86400, backend: { type: "null" }, objects: [] },
  },
});

export const misspeltSchedule = defineConfig({
  tasks: {
    // @ts-expect-error the key is `schedule`
    b: { type: "backup", schedul: "daily", backend: { type: "null" }, objects: [] },
  },
});
