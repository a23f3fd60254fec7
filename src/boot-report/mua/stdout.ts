/**
 * The `stdout` MUA, for testing a boot report: prints the subject, the
 * recipients one per line, a blank line, then the body.
 */
import type { MailMessage, Mua } from "../types.ts";

export interface TextSink {
  write(text: string): unknown;
}

export function formatForStdout(message: MailMessage): string {
  const body = message.body.endsWith("\n") || !message.body ? message.body : `${message.body}\n`;
  return [message.subject, ...message.to, "", body].join("\n");
}

export function stdoutMua(out: TextSink = process.stdout): Mua {
  return {
    type: "stdout",
    async send(message) {
      out.write(formatForStdout(message));
    },
  };
}
