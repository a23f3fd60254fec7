/** Signal names for the `sigmask` builtin: "TERM", "SIGTERM", 15 and "15" all mean SIGTERM. */
import { constants } from "node:os";

const BY_NUMBER = new Map<number, NodeJS.Signals>();
for (const [name, num] of Object.entries(constants.signals)) {
  if (!BY_NUMBER.has(num)) BY_NUMBER.set(num, name as NodeJS.Signals);
}

/** The canonical name of a signal, or undefined if there is no such signal. */
export function signalName(sig: string | number): NodeJS.Signals | undefined {
  if (typeof sig === "number" || /^\s*\d+\s*$/.test(sig)) return BY_NUMBER.get(Number(sig));
  const name = sig.trim().toUpperCase();
  const full = (name.startsWith("SIG") ? name : `SIG${name}`) as NodeJS.Signals;
  return full in constants.signals ? full : undefined;
}
