// expect: 57-ts-exported-function-never-settles.ts: its exported function did not settle within 1s
// env: PALHM_CONFIG_TIMEOUT=1
import { defineConfig } from "palhm";

export default async (ctx: { hostname: string }) => {
  await new Promise((resolve) => setTimeout(resolve, 3_600_000));
  return defineConfig({
    tasks: {
      backup: {
        type: "backup",
        backend: { type: "localfs", root: "@ROOT@" },
        objects: [{ path: ctx.hostname, pipeline: [{ argv: ["printf", "x"] }] }],
      },
    },
  });
};
