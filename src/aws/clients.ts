/**
 * Configuration shared by palhm's AWS clients (S3 backend, SNS MUA).
 *
 * Credentials, region and endpoint follow the SDK's standard chain: the
 * profile (`default` means "whatever the chain picks", so `AWS_PROFILE`
 * still applies), `AWS_SHARED_CREDENTIALS_FILE`, `AWS_REGION`,
 * `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL` (read natively by the SDK).
 * This module imports no SDK code: it only builds plain option objects.
 *
 * Every request has a connection timeout and an idle timeout (no byte sent
 * or received for that long): an endpoint that stops answering fails the
 * request with a TimeoutError, which the SDK retries like other transient
 * failures, instead of stalling the run forever.
 */

/** Options common to every AWS SDK v3 client palhm builds. */
export interface AwsClientConfig {
  profile?: string;
  region?: string;
  endpoint?: string;
  /** Path-style addressing, for S3-compatible stores (MinIO, Ceph RGW) behind a custom endpoint. */
  forcePathStyle?: boolean;
  maxAttempts: number;
  retryMode: "standard" | "adaptive";
  /** Timeouts of the SDK's HTTP handler, in ms: `socketTimeout` is the idle timeout. */
  requestHandler: { connectionTimeout: number; socketTimeout: number };
}

/** Attempts per request (first try + retries of 5xx, SlowDown, throttling, connection resets). */
export const MAX_ATTEMPTS = 6;

/** Seconds to establish a connection. */
export const CONNECT_TIMEOUT_S = 10;
/** Seconds a request may go without a byte sent or received; `$PALHM_AWS_TIMEOUT` overrides it (and caps the connection timeout). */
export const IDLE_TIMEOUT_S = 60;

/** The request timeouts in ms, from `$PALHM_AWS_TIMEOUT` (seconds) when set to a number > 0. */
export function requestTimeouts(env: Record<string, string | undefined> = process.env): AwsClientConfig["requestHandler"] {
  const given = Number(env.PALHM_AWS_TIMEOUT);
  const idle = Number.isFinite(given) && given > 0 ? given : IDLE_TIMEOUT_S;
  return { connectionTimeout: Math.min(CONNECT_TIMEOUT_S, idle) * 1000, socketTimeout: idle * 1000 };
}

/**
 * Client options for a profile and optional region/endpoint.
 * @param profile the profile name; "default" lets the SDK chain decide (AWS_PROFILE, env credentials, ...).
 */
export function makeClientConfig(profile: string, region?: string, endpoint?: string): AwsClientConfig {
  const cfg: AwsClientConfig = { maxAttempts: MAX_ATTEMPTS, retryMode: "standard", requestHandler: requestTimeouts() };
  if (profile && profile !== "default") cfg.profile = profile;
  if (region) cfg.region = region;
  if (endpoint) cfg.endpoint = endpoint;
  return cfg;
}

/** True when S3 requests go to a custom endpoint (config or environment): then path-style addressing is used. */
export function hasCustomS3Endpoint(endpoint?: string, env: Record<string, string | undefined> = process.env): boolean {
  return Boolean(endpoint || env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL);
}

/** Values that must never appear in a message: the secrets of the environment's credentials. */
export function redactSecrets(text: string, env: Record<string, string | undefined> = process.env): string {
  let out = text;
  for (const name of ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]) {
    const v = env[name];
    if (v && v.length >= 4) out = out.split(v).join("***");
  }
  return out;
}
