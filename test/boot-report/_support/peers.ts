/** Real network peers on 127.0.0.1 for the MUA tests: an SMTP server and an SNS Query API endpoint. */
import { SMTPServer } from "smtp-server";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

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

export interface Publish {
  readonly params: Record<string, string>;
  readonly authorization: string | null;
}

/** A loopback endpoint speaking SNS's Query API: records each Publish, answers with `reply` (default: success). */
export function startSns(reply?: (p: Publish) => Response | undefined) {
  const publishes: Publish[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const params = Object.fromEntries(new URLSearchParams(await req.text()));
      const p = { params, authorization: req.headers.get("authorization") };
      publishes.push(p);
      const custom = reply?.(p);
      if (custom) return custom;
      if (params.Action !== "Publish") return snsError(400, "InvalidAction", `unexpected ${params.Action}`);
      const id = crypto.randomUUID();
      return new Response(
        `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${id}</MessageId></PublishResult><ResponseMetadata><RequestId>${crypto.randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
        { headers: { "content-type": "text/xml" } },
      );
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, publishes, close: () => server.stop(true) };
}

export function snsError(status: number, code: string, message: string): Response {
  return new Response(
    `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${crypto.randomUUID()}</RequestId></ErrorResponse>`,
    { status, headers: { "content-type": "text/xml" } },
  );
}

export function tempDir(): { path: string; [Symbol.dispose](): void } {
  const path = mkdtempSync(join(tmpdir(), "palhm-boot-report-"));
  return { path, [Symbol.dispose]: () => rmSync(path, { recursive: true, force: true }) };
}
