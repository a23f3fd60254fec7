/**
 * UploadPart as one signed fetch, without the SDK's middleware stack.
 *
 * Each part sent through the SDK cost about 1.5 ms of the event loop's time
 * on the way out and back (serializers, endpoint rules, middleware, a node
 * stream for the answer): with the bytes themselves never touched, that was
 * a quarter of the CPU time of a 1 GiB upload in 8 MiB parts (bench/s3-upload.ts).
 * Here a part is the request the SDK itself built for CreateMultipartUpload
 * (same scheme, host, port and path, so the endpoint, path style, region
 * redirects and key escaping are the SDK's), with the part's query, signed
 * by the SDK's own SigV4 signer with the same credentials provider, region,
 * service and clock offset, and sent by Bun's fetch with the part's buffer
 * as the body, not copied.
 *
 * What the SDK's retry strategy did is done here: network errors, timeouts,
 * 5xx, throttling and RequestTimeout answers are sent again after a jittered
 * exponential wait, up to the client's maxAttempts (at least 3); a clock
 * skew answer corrects the clock and retries. A request that runs out of
 * time is aborted, so no request still reads a buffer the sink reuses.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { SignatureV4 } from "@smithy/signature-v4";
import type { HttpRequest } from "@smithy/types"; // types only: @smithy/types comes with the SDK

/** The parts of a signed SDK request a part request is made from. */
export interface SignedTemplate {
  readonly protocol: string;
  readonly hostname: string;
  readonly port?: number;
  /** The object's path, escaped as the SDK escaped it (and signed it). */
  readonly path: string;
  readonly region: string;
  readonly service: string;
}

/** The template of a request the SDK signed with plain SigV4, or null (SigV4a, S3 Express, anything else: the SDK sends those). */
export function templateOf(request: HttpRequest): SignedTemplate | null {
  const auth = request.headers.authorization ?? request.headers.Authorization ?? "";
  const scope = /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request,/.exec(auth);
  if (!scope || request.headers["x-amz-s3session-token"]) return null;
  return { protocol: request.protocol, hostname: request.hostname, port: request.port, path: request.path, region: scope[1]!, service: scope[2]! };
}

/** An answer other than 2xx, shaped as the SDK's service errors are (errors.ts reads them alike). */
export class PartRequestError extends Error {
  readonly $metadata: { httpStatusCode: number };
  constructor(
    readonly Code: string,
    message: string,
    status: number,
  ) {
    super(message);
    this.name = Code;
    this.$metadata = { httpStatusCode: status };
  }
}

/** No answer: the connection failed or the attempt timed out (its name is the cause's: TimeoutError, ECONNRESET...). */
export class PartNetworkError extends Error {
  constructor(cause: unknown) {
    super((cause as Error)?.message ?? String(cause), { cause });
    this.name = (cause as Error)?.name === "TimeoutError" ? "TimeoutError" : ((cause as { code?: string })?.code ?? (cause as Error)?.name ?? "NetworkError");
  }
}

export interface PartRequest {
  readonly uploadId: string;
  readonly partNumber: number;
  readonly body: Uint8Array;
  /** Integrity headers (content-md5 or x-amz-checksum-crc32), signed with the rest. */
  readonly headers: Readonly<Record<string, string>>;
  /** Cancels the part for good (not retried). */
  readonly signal: AbortSignal;
  /** How long one attempt may take, in ms. */
  readonly timeout: number;
}

const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);
const RETRY_CODES = new Set(["SlowDown", "Throttling", "ThrottlingException", "RequestTimeout", "InternalError", "ServiceUnavailable", "RequestTimeTooSkewed"]);
/** First retry waits up to this, doubling, capped at MAX_WAIT_MS (the SDK's standard strategy). */
const BASE_WAIT_MS = 100;
const MAX_WAIT_MS = 20_000;

export class PartSender {
  private readonly signer: SignatureV4;
  private readonly attempts: Promise<number>;

  constructor(
    private readonly client: S3Client,
    private readonly template: SignedTemplate,
  ) {
    const config = client.config;
    this.signer = new SignatureV4({
      credentials: config.credentials,
      region: template.region,
      service: template.service,
      sha256: config.sha256,
      uriEscapePath: false, // S3: the path is escaped once, as sent
      applyChecksum: false,
    });
    this.attempts = Promise.resolve(config.maxAttempts()).then((n) => Math.max(3, n));
  }

  /** Sends the part; resolves with its ETag. */
  async send(part: PartRequest): Promise<string> {
    const attempts = await this.attempts;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(part);
      } catch (e) {
        if (part.signal.aborted || attempt >= attempts || !_retryable(e)) throw e;
        await _wait(Math.random() * Math.min(MAX_WAIT_MS, BASE_WAIT_MS * 2 ** attempt), part.signal);
      }
    }
  }

  private async once(part: PartRequest): Promise<string> {
    const t = this.template;
    const query = { partNumber: String(part.partNumber), uploadId: part.uploadId };
    const host = t.port ? `${t.hostname}:${t.port}` : t.hostname;
    const signed = await this.signer.sign(
      {
        method: "PUT",
        protocol: t.protocol,
        hostname: t.hostname,
        port: t.port,
        path: t.path,
        query,
        headers: { ...part.headers, host, "content-length": String(part.body.length), "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
      } as HttpRequest,
      { signingDate: new Date(Date.now() + (this.client.config.systemClockOffset ?? 0)) },
    );
    const url = `${t.protocol}//${host}${t.path}?partNumber=${part.partNumber}&uploadId=${_escape(part.uploadId)}`;
    const signal = AbortSignal.any([part.signal, AbortSignal.timeout(part.timeout)]);
    let response: Response;
    let text: string;
    try {
      // As the SDK's own requests (node:http): no HTTP(S)_PROXY, so every request of an upload takes one route, and
      // no redirect followed (its signature is for this host; S3 says TemporaryRedirect, which fails the part by name).
      response = await fetch(url, { method: "PUT", headers: signed.headers, body: part.body, signal, proxy: false, redirect: "manual" });
      text = await response.text();
    } catch (e) {
      throw new PartNetworkError(e);
    }
    if (response.ok) return response.headers.get("etag") ?? "";
    const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? `HTTP${response.status}`;
    const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? (response.statusText || code);
    if (code === "RequestTimeTooSkewed") {
      const server = Date.parse(response.headers.get("date") ?? "");
      if (!Number.isNaN(server)) this.client.config.systemClockOffset = server - Date.now();
    }
    throw new PartRequestError(code, message, response.status);
  }
}

/** Answers worth sending again, and every failure to get one (a timeout, a refused or reset connection); not a failure to sign (no credentials). */
function _retryable(e: unknown): boolean {
  if (e instanceof PartRequestError) return RETRY_STATUS.has(e.$metadata.httpStatusCode) || RETRY_CODES.has(e.Code);
  return e instanceof PartNetworkError;
}

function _wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** RFC 3986 escaping, as the SDK's signer and query builder do it. */
function _escape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
