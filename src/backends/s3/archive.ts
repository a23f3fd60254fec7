/**
 * Objects in an archive storage class (GLACIER, DEEP_ARCHIVE): S3 answers a
 * GetObject of one with 403 InvalidObjectState until a RestoreObject request
 * has made a temporary readable copy ("thawed" it, hours later). HeadObject
 * tells the class and how a thaw stands (`x-amz-restore`).
 */
import { HeadObjectCommand, RestoreObjectCommand } from "@aws-sdk/client-s3";
import { isArchiveClass } from "../../aws/storage-classes.ts";
import type { ArchivedKey, ThawState } from "../store.ts";
import { codeOf, s3Error, statusOf } from "./errors.ts";
import { listObjects, type Bucket } from "./ops.ts";

/** The object's class and whether it can be read now (`x-amz-restore: ongoing-request="false"` once thawed). */
export async function archiveState(b: Bucket, key: string): Promise<ArchivedKey & { readable: boolean }> {
  let r;
  try {
    r = await b.client.send(new HeadObjectCommand({ Bucket: b.name, Key: key }));
  } catch (e) {
    throw s3Error(e, "HeadObject", b.name, key);
  }
  const storageClass = r.StorageClass ?? "STANDARD";
  const thawing = /ongoing-request="true"/.test(r.Restore ?? "");
  const thawed = /ongoing-request="false"/.test(r.Restore ?? "");
  return { key, storageClass, thawing, readable: !isArchiveClass(storageClass) || thawed };
}

/** The objects under `prefix` that cannot be read now: listed in an archive class, not thawed. */
export async function archivedUnder(b: Bucket, prefix: string, pageSize?: number): Promise<ArchivedKey[]> {
  const out: ArchivedKey[] = [];
  for await (const o of listObjects(b, prefix, pageSize)) {
    if (!isArchiveClass(o.storageClass)) continue;
    const { readable, ...state } = await archiveState(b, o.key);
    if (!readable) out.push(state);
  }
  return out;
}

/** Asks S3 to thaw the object for `days` days (Standard retrieval). */
export async function thawObject(b: Bucket, key: string, days: number): Promise<ThawState> {
  try {
    const r = await b.client.send(
      new RestoreObjectCommand({ Bucket: b.name, Key: key, RestoreRequest: { Days: days, GlacierJobParameters: { Tier: "Standard" } } }),
    );
    return r.$metadata.httpStatusCode === 200 ? "readable" : "started";
  } catch (e) {
    if (codeOf(e) === "RestoreAlreadyInProgress" || statusOf(e) === 409) return "thawing";
    throw s3Error(e, "RestoreObject", b.name, key);
  }
}

/** GetObject said InvalidObjectState: the object is archived (its class and thaw state from HeadObject). */
export function isArchivedRead(e: unknown): boolean {
  return codeOf(e) === "InvalidObjectState";
}
