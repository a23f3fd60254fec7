/** A loopback HTTP server that records every request it receives (the pings' receiving end). */
export interface Received {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export function startPingServer() {
  const received: Received[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      received.push({
        method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams),
        headers: Object.fromEntries(req.headers), body: await req.text(),
      });
      if (url.pathname.startsWith("/broken")) return new Response("no", { status: 500 });
      if (url.pathname.startsWith("/silent")) return new Promise<Response>(() => {}); // never answers
      return new Response("OK");
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, received, stop: () => server.stop(true) };
}

/** A loopback port nothing listens on: a server's, after it stopped. */
export function closedPort(): number {
  const s = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = s.port!;
  s.stop(true);
  return port;
}
