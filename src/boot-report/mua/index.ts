/** The MUA a resolved boot report names. Each MUA lives in its own module. */
import type { ResolvedBootReport } from "../../config/resolved.ts";
import type { Mua } from "../types.ts";
import { mailxMua } from "./mailx.ts";
import { snsMua } from "./aws-sns.ts";
import { stdoutMua } from "./stdout.ts";

/** The MUAs palhm ships, by `type` (a user may add a `custom` one). */
export const MUA_TYPES = ["stdout", "mailx", "aws-sns"] as const;

export function makeMua(param: ResolvedBootReport["mua"]): Mua {
  switch (param.type) {
    case "stdout":
      return stdoutMua();
    case "mailx":
      return mailxMua({ path: param.path, intOpts: param.intOpts });
    case "aws-sns":
      return snsMua({ profile: param.profile, region: param.region });
    case "custom":
      return param.impl;
  }
}
