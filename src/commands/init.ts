import { defineCommand } from "citty";
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
    const { initDir } = await import("../install/init.ts");
    const dir = resolve(args.dir);
    const { written, kept } = initDir(dir);
    for (const f of kept) log.info(`${dir}/${f} exists: kept as it is`);
    process.stdout.write(`wrote ${written.map((f) => `${dir}/${f}`).join(", ")}\n`);
    return 0;
  },
});
