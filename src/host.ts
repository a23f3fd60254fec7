/** Facts about this host that marks and locks record, to tell a live writer from a dead one. */
import { readFileSync } from "node:fs";

/** The kernel's id of the current boot; "" where /proc does not tell. */
export function bootId(): string {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return "";
  }
}
