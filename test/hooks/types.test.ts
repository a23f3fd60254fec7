// Hooks are typed in the editor: `bunx tsc --noEmit` checks the @ts-expect-error lines below.
import { describe, expect, test } from "bun:test";
import { defineConfig, type HookContext } from "../../src/index.ts";
import { fixclockHooks } from "../../config/hooks/fixclock.ts";
import { serviceHooks } from "../../config/hooks/service.ts";

describe("hook types", () => {
  test("global and task hooks accept functions, specs with a timeout, and lists; ctx is typed", () => {
    const config = defineConfig({
      hooks: {
        backup: {
          pre: [
            async (ctx) => {
              const op: "backup" | "restore" = ctx.op;
              const prefix: string | undefined = ctx.prefix;
              await ctx.$`true`;
              ctx.log.info(op, prefix, ctx.env.HOME, ctx.signal.aborted);
            },
            { name: "named", timeout: 30, run: (ctx: HookContext) => ctx.taskId },
          ],
          // @ts-expect-error a misspelt state
          prre: () => {},
          // @ts-expect-error ctx has no such field
          error: (ctx) => ctx.nope,
        },
      },
      tasks: {
        db: {
          type: "backup",
          backend: { type: "null" },
          objects: [],
          hooks: serviceHooks("mariadb"),
        },
      },
    });
    const withFixclock = defineConfig({ hooks: fixclockHooks });
    // @ts-expect-error hooks exist for backup and restore only
    defineConfig({ hooks: { rotate: {} } });
    expect(typeof config.hooks?.backup?.pre).toBe("object");
    expect(Object.keys(withFixclock.hooks ?? {})).toEqual(["backup", "restore"]);
  });
});
