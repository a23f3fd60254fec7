/** The aws-s3 backend. The store (and with it the AWS SDK) is loaded only when a task opens it. */
import type * as v from "valibot";
import type { BackendDescriptor } from "../descriptor.ts";
import { resolveRotation } from "../rotation-params.ts";
import { s3Schema, type ResolvedS3Param } from "./params.ts";
import { S3_LIMITS } from "./plan.ts";

const _url = (p: ResolvedS3Param) => `s3://${p.bucket}/${p.root}`;

export const s3Backend: BackendDescriptor<v.InferOutput<typeof s3Schema>, ResolvedS3Param> = {
  type: "aws-s3",
  summary: "copies in an S3 bucket or an S3-compatible store (streamed multipart uploads)",
  resolve(b, at) {
    if (b.bucket === "") at.fail("bucket", "bucket cannot be empty");
    return {
      type: "aws-s3",
      bucket: b.bucket,
      root: b.root.replace(/^\/+|\/+$/g, ""),
      profile: b.profile ?? "default",
      ...(b.region === undefined ? {} : { region: b.region }),
      ...(b.endpoint === undefined ? {} : { endpoint: b.endpoint }),
      ...(b.sinkStorageClass === undefined ? {} : { sinkStorageClass: b.sinkStorageClass }),
      ...(b.rotStorageClass === undefined ? {} : { rotStorageClass: b.rotStorageClass }),
      ...resolveRotation(b, at),
    };
  },
  async open(param, ctx) {
    const { openS3Store } = await import("./store.ts");
    // Some S3-compatible stores copy less than S3's 5 GiB in one request: above this, a multipart copy.
    const maxCopy = Number(process.env.PALHM_S3_MAX_COPY) || undefined;
    return openS3Store(param, ctx.log, maxCopy ? { maxCopy } : {});
  },
  describe: _url,
  lockKey: (p) => `s3:${p.endpoint ?? "aws"}/${p.bucket}/${p.root}`,
  rotation: (param) => param,
  details: (p) => [p.sinkStorageClass && `upload as ${p.sinkStorageClass}`, p.rotStorageClass && `keep as ${p.rotStorageClass}`].filter((x): x is string => !!x),
  maxObjectSize: { bytes: BigInt(S3_LIMITS.maxObject), what: "an S3 object can hold (5 TiB)" },
};
