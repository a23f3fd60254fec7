/** Turning AWS SDK failures into BackendErrors a user can act on, without secrets. */
import { BackendError } from "../../errors.ts";
import { redactSecrets } from "../../aws/clients.ts";

interface _SdkError {
  name?: string;
  code?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

/** HTTP status of an SDK error, if it got an answer. */
export function statusOf(e: unknown): number | undefined {
  return (e as _SdkError)?.$metadata?.httpStatusCode;
}

/** The S3 error code (`AccessDenied`, `NoSuchKey`...) or the network error code. */
export function codeOf(e: unknown): string {
  const err = e as _SdkError;
  return err?.Code ?? err?.name ?? err?.code ?? "Error";
}

export function isNotFound(e: unknown): boolean {
  const c = codeOf(e);
  return c === "NoSuchKey" || c === "NotFound" || statusOf(e) === 404;
}

/** The store lacks the call (s3rver has no ListMultipartUploads nor AbortMultipartUpload). */
export function isUnsupported(e: unknown): boolean {
  const c = codeOf(e);
  return c === "NotImplemented" || c === "MethodNotAllowed" || statusOf(e) === 501 || statusOf(e) === 405;
}

/** `s3://bucket/key: <what went wrong> (<operation>)`, as one readable sentence. */
export function s3Error(e: unknown, op: string, bucket: string, key = ""): BackendError {
  if (e instanceof BackendError) return e;
  const where = `s3://${bucket}/${key}`;
  const status = statusOf(e);
  const code = codeOf(e);
  const raw = redactSecrets(String((e as _SdkError)?.message ?? e));
  let text: string;
  if (code === "InvalidObjectState") {
    text = `${where}: the object is archived (an archive storage class such as GLACIER) and cannot be read until S3 restores it (${op}); palhm restore --thaw DAYS asks for that`;
  } else if (code === "TimeoutError" || (e as _SdkError)?.name === "TimeoutError") {
    text = `${where}: ${op} timed out: the endpoint stopped answering (${raw.replace(/^@smithy\/node-http-handler - /, "")}); retried, then given up`;
  } else if (status === 403 || code === "AccessDenied") {
    text =
      `${where}: access denied (HTTP 403 ${code}) on ${op}; ` +
      "check the credentials palhm uses (profile, AWS_PROFILE, AWS_ACCESS_KEY_ID) and the bucket's policy";
  } else if (code === "NoSuchBucket") {
    text = `${where}: bucket "${bucket}" does not exist (${op})`;
  } else if (code === "CredentialsProviderError" || /could not load credentials/i.test(raw)) {
    text = `${where}: no AWS credentials found for ${op} (${raw})`;
  } else {
    text = `${where}: ${op} failed: ${code}${status ? ` (HTTP ${status})` : ""}: ${raw}`;
  }
  return new BackendError(text, { cause: e });
}
