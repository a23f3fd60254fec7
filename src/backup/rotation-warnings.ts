/** What rotation says loudly: copies dated in the future, and copies a keep rule wanted that a limit removed. */
import type { Logger } from "../log.ts";
import type { RotationChoice } from "./rotation.ts";

export function warnRotation(taskId: string, where: string, choice: Pick<RotationChoice, "future" | "overridden">, log: Logger, dryRun = false): void {
  if (choice.future.length) {
    log.warn(
      `task ${taskId}: !!! ${choice.future.length} cop${choice.future.length === 1 ? "y is" : "ies are"} dated in the future under ${where}: ${choice.future.join(", ")}. ` +
        "Was the clock wrong when they were made (or is it wrong now)? Rotation leaves them alone and does not count them; " +
        "verify and restore do not pick them as the latest copy. Check the clock, then remove them or name them with --copy.",
    );
  }
  if (choice.overridden.length) {
    log.warn(
      `task ${taskId}: !!! nbCopyLimit/rootSizeLimit ${dryRun ? "would remove" : "removed"} ${choice.overridden.length} cop${choice.overridden.length === 1 ? "y" : "ies"} the keep rules would keep (${choice.overridden.join(", ")}). Raise the limits or keep fewer copies.`,
    );
  }
}
