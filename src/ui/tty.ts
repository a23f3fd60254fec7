/**
 * Whether a descriptor is a terminal, without touching `process.stdout` or
 * `process.stderr`: the first read of either builds a Node stream and loads
 * `node:tty` and the stream modules (several milliseconds of every start-up,
 * paid for nothing when output goes to cron mail, the journal or a file).
 * A terminal is a character device of a tty driver: the virtual consoles and
 * serial lines (major 4), /dev/tty and /dev/console (5), pseudo-terminals
 * (136-143). /dev/null, also a character device, is not one.
 */
import { fstatSync } from "node:fs";

export function isTerminal(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    if (!st.isCharacterDevice()) return false;
    const major = ((st.rdev >> 8) & 0xfff) | (Math.floor(st.rdev / 2 ** 32) & ~0xfff);
    return major === 4 || major === 5 || (major >= 136 && major <= 143);
  } catch {
    return false;
  }
}
