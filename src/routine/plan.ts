/** A routine's steps as shell-like lines, for logs, `--json` and `--dry-run`. Env values of secrets are masked. */
import type { ResolvedStep } from "../config/resolved.ts";
import { execLine } from "../exec/argv.ts";

/** One step as one line: `zstd -T0`, `task backup`, `sigmask block SIGTERM`, `fn checkDisk`. */
export function stepLabel(step: ResolvedStep): string {
  switch (step.kind) {
    case "exec":
      return execLine(step.exec);
    case "task":
      return `task ${step.task}`;
    case "sigmask":
      return `sigmask ${step.param.map((p) => `${p.action} ${p.sig.join(",")}`).join("; ")}`;
    case "fn":
      return `fn ${step.name || "(anonymous)"}`;
  }
}
