/** The boot report with defaults applied. `mua` and `mailTo` are required once includes are merged. */
import { ConfigError } from "../errors.ts";
import type { Mua } from "../boot-report/types.ts";
import { DEFAULT_MAILX } from "../boot-report/mua/mailx.ts";
import type { ResolvedBootReport } from "./resolved.ts";
import type { CheckedBootReport } from "./schema.ts";

export const SUBJECT_DEFAULT = "Boot Report from {hostname}";
export const HEADER_DEFAULT = "This is a boot report from {hostname}.\nMore details as follows.";

function _mua(m: NonNullable<CheckedBootReport["mua"]>): ResolvedBootReport["mua"] {
  const p = typeof m === "string" ? ({ type: m } as Exclude<typeof m, string>) : m;
  switch (p.type) {
    case "stdout":
      return { type: "stdout" };
    case "mailx":
      return { type: "mailx", path: p.path ?? DEFAULT_MAILX, intOpts: [...(p.intOpts ?? [])] };
    case "aws-sns":
      return { type: "aws-sns", profile: p.profile ?? "default", ...(p.region === undefined ? {} : { region: p.region }) };
    case "custom":
      return { type: "custom", impl: p.impl as Mua };
  }
}

export function resolveBootReport(br: CheckedBootReport, source?: string): ResolvedBootReport {
  if (br.mua === undefined) throw new ConfigError("is required (stdout, mailx, aws-sns or custom)", "bootReport.mua", source);
  if (!br.mailTo || br.mailTo.length === 0) throw new ConfigError("needs at least one recipient", "bootReport.mailTo", source);
  return {
    mua: _mua(br.mua),
    mailTo: [...br.mailTo],
    subject: br.subject ?? SUBJECT_DEFAULT,
    header: br.header ?? HEADER_DEFAULT,
    uptimeSince: br.uptimeSince ?? true,
    uptime: br.uptime ?? true,
    bootId: br.bootId ?? true,
    ...(br.bootWait === undefined ? {} : { bootWait: br.bootWait }),
    delay: br.delay ?? 0,
  };
}
