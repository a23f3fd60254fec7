/** Which uploads send their parts as single signed fetches: those the SDK signed with plain SigV4, from the request it built. */
import { describe, expect, test } from "bun:test";
import type { HttpRequest } from "@smithy/types";
import { templateOf } from "../../../src/backends/s3/part-request.ts";

const request = (headers: Record<string, string>): HttpRequest =>
  ({ method: "POST", protocol: "https:", hostname: "bucket.s3.eu-west-3.amazonaws.com", path: "/host/2022-05-01T06%3A59%3A17%2B00%3A00/db.sql", query: { uploads: "" }, headers }) as HttpRequest;

describe("templateOf", () => {
  test("a SigV4 request gives its scheme, host, path, and the region and service of its signature (after a region redirect, the redirected one)", () => {
    const t = templateOf(request({ authorization: "AWS4-HMAC-SHA256 Credential=AKID/20261130/eu-west-3/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=00" }));
    expect(t).toEqual({ protocol: "https:", hostname: "bucket.s3.eu-west-3.amazonaws.com", port: undefined, path: "/host/2022-05-01T06%3A59%3A17%2B00%3A00/db.sql", region: "eu-west-3", service: "s3" });
  });

  test("SigV4a (multi-region access points), S3 Express sessions and unsigned requests are left to the SDK", () => {
    expect(templateOf(request({ authorization: "AWS4-ECDSA-P256-SHA256 Credential=AKID/20261130/s3/aws4_request, SignedHeaders=host, Signature=00" }))).toBeNull();
    expect(templateOf(request({ authorization: "AWS4-HMAC-SHA256 Credential=AKID/20261130/us-east-1/s3express/aws4_request, SignedHeaders=host, Signature=00", "x-amz-s3session-token": "t" }))).toBeNull();
    expect(templateOf(request({}))).toBeNull();
  });
});
