/** The localfs backend: copies in a directory. The store itself is in store.ts, loaded when a task opens it. */
import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import type * as v from "valibot";
import type { BackendDescriptor, ParamSite } from "../descriptor.ts";
import { resolveRotation } from "../rotation-params.ts";
import { localfsSchema, type ResolvedLocalfsParam } from "./params.ts";

function _mode(v: string | undefined, fallback: string, field: string, at: ParamSite): number {
  const text = v ?? fallback;
  if (!/^[0-7]{1,4}$/.test(text)) at.fail(field, `"${text}" is not an octal mode (e.g. "750")`);
  return parseInt(text, 8);
}

export const localfsBackend: BackendDescriptor<v.InferOutput<typeof localfsSchema>, ResolvedLocalfsParam> = {
  type: "localfs",
  summary: "copies in a local directory (also NFS and Samba mounts)",
  resolve(b, at) {
    if (b.root === "") at.fail("root", "root cannot be empty");
    if (b.root.includes("\0")) at.fail("root", "root cannot contain NUL");
    return {
      type: "localfs",
      root: b.root,
      dmode: _mode(b.dmode, "750", "dmode", at),
      fmode: _mode(b.fmode, "640", "fmode", at),
      ...resolveRotation(b, at),
    };
  },
  async open(param) {
    const { LocalfsStore } = await import("./store.ts");
    return new LocalfsStore(param);
  },
  describe: (param) => resolve(param.root),
  lockKey(param) {
    const root = resolve(param.root);
    try {
      return `localfs:${realpathSync(root)}`;
    } catch {
      return `localfs:${root}`;
    }
  },
  rotation: (param) => param,
  writablePaths: (param) => [resolve(param.root)],
  details: (param) => [`dmode ${param.dmode.toString(8)}`, `fmode ${param.fmode.toString(8)}`],
  display: (param) => ({ dmode: param.dmode.toString(8), fmode: param.fmode.toString(8) }),
};
