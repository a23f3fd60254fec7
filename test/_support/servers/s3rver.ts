/** A real S3 server for tests: s3rver on 127.0.0.1, an ephemeral port, a temp directory. */
import S3rver from "s3rver";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BackendContext } from "../../../src/backends/descriptor.ts";
import type { ResolvedS3Param as S3BackendParam } from "../../../src/backends/s3/params.ts";
import { openS3Store, type S3Tuning } from "../../../src/backends/s3/store.ts";
import { Copies } from "../../../src/copies/copies.ts";
import { log } from "../../../src/log.ts";

export interface RunningS3 {
  readonly endpoint: string;
  readonly dir: string;
  readonly bucket: string;
  stop(): Promise<void>;
}

/** Static fake credentials s3rver accepts; set before any client is made. */
export function useFakeCredentials(): void {
  process.env.AWS_ACCESS_KEY_ID = "S3RVER";
  process.env.AWS_SECRET_ACCESS_KEY = "S3RVER";
  process.env.AWS_REGION = "us-east-1";
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_ENDPOINT_URL;
  delete process.env.AWS_ENDPOINT_URL_S3;
}

/** Environment giving palhm fake credentials for an S3 server on 127.0.0.1. */
export function s3Env(): Record<string, string | undefined> {
  return {
    AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER", AWS_REGION: "us-east-1",
    AWS_PROFILE: undefined, AWS_ENDPOINT_URL: undefined, AWS_ENDPOINT_URL_S3: undefined,
  };
}

export async function startS3rver(bucket = "palhm-test"): Promise<RunningS3> {
  useFakeCredentials();
  const dir = mkdtempSync(join(tmpdir(), "palhm-s3rver-"));
  const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: dir, configureBuckets: [{ name: bucket }] });
  const addr = (await server.run()) as { address: string; port: number };
  return {
    endpoint: `http://${addr.address}:${addr.port}`,
    dir,
    bucket,
    async stop() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function s3Param(s3: { endpoint: string; bucket: string }, extra: Partial<S3BackendParam> = {}): S3BackendParam {
  return {
    type: "aws-s3",
    bucket: s3.bucket,
    root: "backups/host1",
    profile: "default",
    endpoint: s3.endpoint,
    nbCopyLimit: null,
    rootSizeLimit: null,
    ...extra,
  };
}

export function backendCtx(taskId = "backup"): BackendContext {
  return { taskId, log, signal: new AbortController().signal };
}

/** The copies of task `taskId` in an S3 store opened on `param`, with test tuning. */
export async function openS3Copies(param: S3BackendParam, tuning: S3Tuning = {}, taskId = "backup"): Promise<Copies> {
  return new Copies(await openS3Store(param, log, tuning), backendCtx(taskId));
}

/** Lower-case hex SHA-256, as manifests hold it. */
export const sha256Hex = (d: Uint8Array): string => new Bun.CryptoHasher("sha256").update(d).digest("hex");
