/**
 * S3 storage classes palhm can be told to use, and which of them are
 * archives: objects there cannot be read until S3 restores (thaws) them.
 */

/** Every storage class S3's PutObject accepts. */
export const S3_STORAGE_CLASSES = [
  "STANDARD",
  "REDUCED_REDUNDANCY",
  "STANDARD_IA",
  "ONEZONE_IA",
  "INTELLIGENT_TIERING",
  "GLACIER",
  "DEEP_ARCHIVE",
  "GLACIER_IR",
  "OUTPOSTS",
  "SNOW",
  "EXPRESS_ONEZONE",
] as const;

export type S3StorageClass = (typeof S3_STORAGE_CLASSES)[number];

/** Classes whose objects must be restored before a GET (GLACIER_IR is read at once). */
export const ARCHIVE_STORAGE_CLASSES: readonly S3StorageClass[] = ["GLACIER", "DEEP_ARCHIVE"];

export function isArchiveClass(cls: string | undefined): boolean {
  return cls !== undefined && (ARCHIVE_STORAGE_CLASSES as readonly string[]).includes(cls);
}

/** How long a thaw (S3's Standard retrieval) takes, per archive class, for messages. */
export const THAW_TIME: Readonly<Record<string, string>> = { GLACIER: "3-5 hours", DEEP_ARCHIVE: "up to 12 hours" };
