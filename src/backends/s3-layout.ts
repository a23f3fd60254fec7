/** Where things live in the bucket, and the knobs of the S3 backend. */
import type { ResolvedBackendParam } from "../config/resolved.ts";
import type { UploadPlanOptions } from "./s3-plan.ts";

export type S3BackendParam = Extract<ResolvedBackendParam, { type: "aws-s3" }>;

/** Knobs for tests and benchmarks; production uses S3's limits. */
export interface S3Tuning {
  /** Keys per ListObjectsV2 page. @default 1000 (S3's maximum) */
  pageSize?: number;
  /** Keys per DeleteObjects request. @default 1000 */
  deleteBatch?: number;
  /** Part sizing of uploads. */
  upload?: UploadPlanOptions;
  /** Largest single-request copy. @default 5 GiB */
  maxCopy?: number;
  /** Largest part of a multipart copy. @default 5 GiB */
  maxCopyPart?: number;
  /** Smallest part of a multipart copy (except the last). @default 5 MiB */
  minCopyPart?: number;
}

/** Key names from root, prefix and path: `ROOT/PREFIX/PATH` (no root: `PREFIX/PATH`). */
export class S3Layout {
  constructor(
    readonly bucket: string,
    readonly root: string,
  ) {}
  /** Key prefix of the root: "" or "ROOT/". */
  get rootKey(): string {
    return this.root ? `${this.root}/` : "";
  }
  copyKey(prefix: string): string {
    return `${this.rootKey}${prefix}/`;
  }
  objectKey(prefix: string, path: string): string {
    return `${this.copyKey(prefix)}${path}`;
  }
  url(key = ""): string {
    return `s3://${this.bucket}/${key}`;
  }
}
