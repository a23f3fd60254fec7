/**
 * The `mailx` MUA: `PATH [-S OPT]... -s SUBJECT RECIPIENT...`, body on stdin.
 * Works with s-nail, BSD mailx and heirloom mailx; `intOpts` carry settings
 * such as `mta=smtp://host:25` or `v15-compat`.
 */
import { ConfigError, TaskError } from "../../errors.ts";
import type { MailMessage, Mua } from "../types.ts";

/**
 * s-nail, looked up in PATH: Debian's and Ubuntu's `s-nail` package installs
 * only /usr/bin/s-nail (no mailx), Fedora's and Arch's add mailx beside it.
 */
export const DEFAULT_MAILX = "s-nail";

export function mailxArgv(path: string, intOpts: readonly string[], message: MailMessage): string[] {
  message.to.forEach((to, i) => {
    // mailx would take it as an option, not a recipient.
    if (to.startsWith("-")) throw new ConfigError(`recipient "${to}" starts with "-"`, `bootReport.mailTo[${i}]`);
  });
  return [path, ...intOpts.flatMap((opt) => ["-S", opt]), "-s", message.subject, ...message.to];
}

export function mailxMua(options: { readonly path?: string; readonly intOpts?: readonly string[] } = {}): Mua {
  const path = options.path ?? DEFAULT_MAILX;
  const intOpts = options.intOpts ?? [];
  return {
    type: "mailx",
    async send(message, { log, signal }) {
      const argv = mailxArgv(path, intOpts, message);
      log.debug(`boot report: ${path} to ${message.to.join(", ")}`);
      let proc: Bun.Subprocess<"pipe", "ignore", "pipe">;
      try {
        proc = Bun.spawn(argv, { stdin: "pipe", stdout: "ignore", stderr: "pipe", signal });
      } catch (e) {
        throw new TaskError(`boot report: cannot run the mailx program ${path}: ${(e as Error).message}`);
      }
      const stderr = new Response(proc.stderr).text();
      try {
        proc.stdin.write(message.body);
        await proc.stdin.end();
      } catch {
        // mailx quit before reading the body; its exit status and stderr say why.
      }
      const code = await proc.exited;
      if (code === 0) return;
      const err = (await stderr).split("\n").map((l) => l.trim()).filter(Boolean).join("; ");
      const how = proc.signalCode ? `was killed by ${proc.signalCode}` : `exited with status ${code}`;
      throw new TaskError(`boot report: the mailx program ${path} ${how}${err ? `: ${err}` : " (no error output)"}`);
    },
  };
}
