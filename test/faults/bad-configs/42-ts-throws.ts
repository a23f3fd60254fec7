// expect: evaluating the config failed: PALHM_DB_HOST is not set
import { defineConfig } from "palhm";

export default (ctx: { env: Record<string, string | undefined> }) => {
  const host = ctx.env.PALHM_DB_HOST_NEVER_SET;
  if (!host) throw new Error("PALHM_DB_HOST is not set");
  return defineConfig({
    tasks: {
      backup: {
        type: "backup",
        backend: { type: "localfs", root: "@ROOT@" },
        objects: [{ path: "db.sql", pipeline: [{ argv: ["mysqldump", "-h", host] }] }],
      },
    },
  });
};
