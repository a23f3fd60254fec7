/** The aws-s3 backend's parameters: as the user writes them (schema and documented type) and as the program uses them. */
import * as v from "valibot";
import { S3_STORAGE_CLASSES, type S3StorageClass } from "../../aws/storage-classes.ts";
import type { RotationLimits } from "../descriptor.ts";
import { rotationFields, type RotationParam } from "../rotation-params.ts";

/** Copies in an AWS S3 bucket or an S3-compatible store (MinIO, Ceph RGW). */
export interface S3BackendParam extends RotationParam {
  type: "aws-s3";
  /** Bucket name. Required. */
  bucket: string;
  /** Key prefix: objects go to `s3://BUCKET/ROOT/PREFIX/PATH`. Required. */
  root: string;
  /** AWS profile. @default "default" */
  profile?: string;
  /** AWS region (else the profile's, or the SDK's chain). */
  region?: string;
  /** Endpoint of an S3-compatible store; path-style addressing is used with it. */
  endpoint?: string;
  /** Storage class for uploads. @default "STANDARD" */
  sinkStorageClass?: S3StorageClass;
  /** Storage class objects are moved to once their copy completes, e.g. "GLACIER". */
  rotStorageClass?: S3StorageClass;
}

const httpUrl = v.pipe(
  v.string(),
  v.check((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), (i) => `expected an http:// or https:// URL, got ${JSON.stringify(i.input)}`),
);
const storageClass = v.picklist(S3_STORAGE_CLASSES);

export const s3Schema = v.strictObject({
  type: v.literal("aws-s3"),
  bucket: v.string(),
  root: v.string(),
  profile: v.optional(v.string()),
  region: v.optional(v.string()),
  endpoint: v.optional(httpUrl),
  sinkStorageClass: v.optional(storageClass),
  rotStorageClass: v.optional(storageClass),
  ...rotationFields,
});

export interface ResolvedS3Param extends RotationLimits {
  readonly type: "aws-s3";
  readonly bucket: string;
  /** Without leading/trailing slashes; may be "". */
  readonly root: string;
  readonly profile: string;
  readonly region?: string;
  readonly endpoint?: string;
  readonly sinkStorageClass?: string;
  readonly rotStorageClass?: string;
}
