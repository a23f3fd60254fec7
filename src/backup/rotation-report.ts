/** How `palhm rotate` shows a rotation plan: every copy, keep or remove, and why. Pure. */
import { formatBytes } from "../ui/format.ts";
import type { CopyDecision, RotationChoice } from "./rotation.ts";
import { describeKeepPolicy, type KeepPolicy } from "./retention.ts";

/** The copy rotation protects as "new": the newest complete (or legacy) copy not dated after `now`. */
export function newestCopy(copies: readonly { prefix: string; state: string }[], now: Date): string | null {
  const usable = copies.filter((c) => (c.state === "complete" || c.state === "legacy") && !(Date.parse(c.prefix) > now.getTime()));
  return usable.map((c) => c.prefix).sort().at(-1) ?? null;
}

export function formatRotation(choice: Pick<RotationChoice, "decisions">, header: string): string {
  const rows = choice.decisions.map((d: CopyDecision) => [d.prefix, d.state, formatBytes(d.size), d.action, d.reasons.join(", ")]);
  const head = ["COPY", "STATE", "SIZE", "ACTION", "WHY"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ");
  return [header, line(head), ...rows.map(line)].join("\n");
}

export function rulesLine(limits: { nbCopyLimit: bigint | null; rootSizeLimit: bigint | null; keep?: KeepPolicy | null }): string {
  const parts = [limits.keep ? `keep ${describeKeepPolicy(limits.keep)}` : "no keep rules"];
  parts.push(`nbCopyLimit ${limits.nbCopyLimit ?? "inf"}`, `rootSizeLimit ${limits.rootSizeLimit ?? "inf"}`);
  return parts.join("; ");
}
