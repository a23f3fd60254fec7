/**
 * Kernel pipes between child processes. Bun.spawn connects a child's stdout
 * to another child's stdin through socketpairs pumped by the runtime, so a
 * pipeline built that way moves every byte through this process. A pipe(2)
 * whose ends are handed to the children as plain fds keeps the bytes in the
 * kernel: `a | b` as a shell would do it.
 */
import { closeSync } from "node:fs";
import { libc } from "./libc.ts";

const O_CLOEXEC = 0o2000000;
const F_SETPIPE_SZ = 1031;
/**
 * Pipe capacity asked for: 1 MiB (Linux's default /proc/sys/fs/pipe-max-size)
 * instead of 64 KiB, so producer and consumer each move 1 MiB per wake-up
 * rather than 16 of 64 KiB. Refused (a lower limit, a user over
 * pipe-user-pages-soft), the pipe keeps its default size.
 */
export const PIPE_SIZE = 1 << 20;

/**
 * A new pipe as `[readFd, writeFd]`. Both ends are close-on-exec, so a child
 * only ever holds the end it was given as stdin/stdout (dup2 clears the flag
 * on the copy), never an end of another pipeline's pipe that would keep it
 * from seeing end-of-file.
 */
export async function openPipe(): Promise<[read: number, write: number]> {
  const { pipe2, fcntl } = await libc();
  const fds = new Int32Array(2);
  if (pipe2(fds, O_CLOEXEC) !== 0) throw new Error("pipe2(2) failed (out of file descriptors?)");
  fcntl(fds[1]!, F_SETPIPE_SZ, PIPE_SIZE);
  return [fds[0]!, fds[1]!];
}

export function closeFd(fd: number | undefined): void {
  if (fd === undefined) return;
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}
