/** Where things live in the bucket, and the knobs of the S3 store. */
import type { UploadPlanOptions } from "./plan.ts";

/** Knobs for tests and benchmarks; production uses S3's limits. */
export interface S3Tuning {
  /** Keys per ListObjectsV2 page. @default 1000 (S3's maximum) */
  pageSize?: number;
  /** Keys per DeleteObjects request. @default 1000 */
  deleteBatch?: number;
  /** Part sizing of uploads. */
  upload?: UploadPlanOptions;
  /**
   * What each uploaded part carries for the store to check: CRC32
   * (x-amz-checksum-crc32, nearly free) or its MD5 (Content-MD5, which every
   * S3-compatible store knows). @default "crc32" on AWS, "md5" behind a custom endpoint
   */
  partChecksum?: "crc32" | "md5";
  /**
   * Parts as single signed fetches (part-request.ts) where the upload was
   * signed with plain SigV4; false: every part through the SDK, as uploads
   * signed otherwise (SigV4a, S3 Express) always are. @default true
   */
  directParts?: boolean;
  /** Largest single-request copy. @default 5 GiB */
  maxCopy?: number;
  /** Largest part of a multipart copy. @default 5 GiB */
  maxCopyPart?: number;
  /** Smallest part of a multipart copy (except the last). @default 5 MiB */
  minCopyPart?: number;
}

/** Key names from the root and a store key: `ROOT/KEY` (no root: `KEY`). */
export class S3Layout {
  constructor(
    readonly bucket: string,
    readonly root: string,
  ) {}
  /** Key prefix of the root: "" or "ROOT/". */
  get rootKey(): string {
    return this.root ? `${this.root}/` : "";
  }
  key(storeKey: string): string {
    return `${this.rootKey}${storeKey}`;
  }
  url(key = ""): string {
    return `s3://${this.bucket}/${key}`;
  }
}
