/** A loopback HTTP endpoint on 127.0.0.1 speaking SNS's Query API (Publish), recording what it is sent. */

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
