/** A real SMTP server on 127.0.0.1 (smtp-server) that keeps every mail it is given. */
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  readonly rcptTo: string[];
  readonly headers: Map<string, string>;
  readonly body: string;
}

export async function startSmtp(): Promise<{ port: number; mails: ReceivedMail[]; close(): Promise<void> }> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        mails.push({ rcptTo: session.envelope.rcptTo.map((r) => r.address), ..._parseMail(Buffer.concat(chunks).toString()) });
        done();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as { port: number }).port;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Splits DATA into unfolded headers and the body (CRLF turned into LF). */
function _parseMail(data: string): { headers: Map<string, string>; body: string } {
  const text = data.replace(/\r\n/g, "\n");
  const end = text.indexOf("\n\n");
  const headers = new Map<string, string>();
  for (const line of text.slice(0, end).replace(/\n[ \t]+/g, " ").split("\n")) {
    const colon = line.indexOf(":");
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: text.slice(end + 2) };
}
