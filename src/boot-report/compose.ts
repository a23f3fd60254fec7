/**
 * The boot report as a mail: subject and body, a pure function of the facts
 * gathered on the host (see facts.ts). The body is a YAML document: the header
 * as `# ` comment lines, then `boot-report:` with one key per fact.
 */
import type { ResolvedBootReport } from "../config/resolved.ts";
import type { MailMessage } from "./types.ts";

/** What the host said about itself. A fact that could not be read is `null`; a switched-off one is absent. */
export interface BootFacts {
  readonly hostname: string;
  readonly tz: string;
  /** `uptime --since` */
  readonly uptimeSince?: string | null;
  /** `uptime -p` */
  readonly uptime?: string | null;
  /** /proc/sys/kernel/random/boot_id */
  readonly bootId?: string | null;
  /** With `bootWait: "systemd"`: what `systemctl is-system-running --wait` answered ("running", "degraded", ...). */
  readonly systemState?: string | null;
}

export type ReportText = Pick<ResolvedBootReport, "subject" | "header" | "mailTo">;

export function substituteHostname(template: string, hostname: string): string {
  return template.replaceAll("{hostname}", hostname);
}

export function composeBootReport(report: ReportText, facts: BootFacts): MailMessage {
  const header = substituteHostname(report.header, facts.hostname)
    .split(/\r?\n|\r/)
    .map((line) => (line ? `# ${line}` : "#"));
  const fields: [string, string | null | undefined][] = [
    ["hostname", facts.hostname],
    ["tz", facts.tz],
    ["uptime-since", facts.uptimeSince],
    ["uptime", facts.uptime],
    ["boot-id", facts.bootId],
    ["system-state", facts.systemState],
  ];
  const doc = fields
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `  ${k}: ${v === null ? "null" : yamlString(v!)}`);
  return {
    subject: substituteHostname(report.subject, facts.hostname),
    to: report.mailTo,
    body: [...(report.header ? header : []), "boot-report:", ...doc].join("\n") + "\n",
  };
}

/**
 * A YAML double-quoted scalar. Every value is quoted so that no parser reads
 * `2022-05-01 06:59:17` as a timestamp or `no` as a boolean. JSON's escapes are
 * valid in YAML; U+2028/U+2029, which JSON leaves raw, get YAML's own escapes.
 */
export function yamlString(s: string): string {
  return JSON.stringify(s).replaceAll("\u2028", "\\L").replaceAll("\u2029", "\\P");
}
