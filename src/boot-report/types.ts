import type { Logger } from "../log.ts";

export interface MailMessage {
  readonly subject: string;
  readonly to: readonly string[];
  readonly body: string;
}

/** A mail user agent: how the boot report is sent. One module per MUA implements it; a user can define one inline. */
export interface Mua {
  readonly type: string;
  send(message: MailMessage, ctx: { readonly log: Logger; readonly signal: AbortSignal }): Promise<void>;
}
