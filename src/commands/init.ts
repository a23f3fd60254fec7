import { defineCommand } from "citty";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { log } from "../log.ts";

export default defineCommand({
  meta: {
    name: "init",
    description:
      "Write a starter palhm.config.ts into DIR (default: the current directory) with a tsconfig.json and the type declarations of \"palhm\" under DIR/.palhm/types, so an editor and `tsc --noEmit` check the config there; an existing config or tsconfig.json is kept",
  },
  args: {
    dir: { type: "positional", required: false, description: "Directory of the config", default: "." },
  },
  async run({ args }) {
    const { initDir, TYPES_DIR } = await import("../install/init.ts");
    const dir = resolve(args.dir);
    const { written, kept } = initDir(dir);
    for (const f of kept) log.info(`${dir}/${f} exists: kept as it is`);
    // A tsconfig.json of the user's own finds "palhm" only if it maps it to the declarations.
    if (kept.includes("tsconfig.json") && !readFileSync(`${dir}/tsconfig.json`, "utf8").includes(TYPES_DIR)) {
      log.warn(`${dir}/tsconfig.json does not map "palhm" to ${TYPES_DIR}: add "paths": { "palhm": ["./${TYPES_DIR}/palhm/index.d.ts"] } to its compilerOptions (or remove it and run palhm init again)`);
    }
    process.stdout.write(`wrote ${written.map((f) => `${dir}/${f}`).join(", ")}\n`);
    return 0;
  },
});
