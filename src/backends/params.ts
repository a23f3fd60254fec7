/**
 * Every backend's parameters together: the config schema's variant members
 * and the resolved union. A new backend adds its schema and types here and
 * its descriptor to registry.ts.
 */
import type { ResolvedCustomParam, CustomBackendParam } from "./custom/index.ts";
import type { LocalfsBackendParam, ResolvedLocalfsParam } from "./localfs/params.ts";
import type { NullBackendParam, ResolvedNullParam } from "./null/index.ts";
import type { ResolvedS3Param, S3BackendParam } from "./s3/params.ts";
import type { RcloneBackendParam, ResolvedRcloneParam } from "./rclone/params.ts";
import { customSchema } from "./custom/index.ts";
import { localfsSchema } from "./localfs/params.ts";
import { nullSchema } from "./null/index.ts";
import { s3Schema } from "./s3/params.ts";
import { rcloneSchema } from "./rclone/params.ts";

export type { CustomBackendParam, LocalfsBackendParam, NullBackendParam, RcloneBackendParam, S3BackendParam };
export type { ResolvedCustomParam, ResolvedLocalfsParam, ResolvedNullParam, ResolvedRcloneParam, ResolvedS3Param };
export type { RotationParam } from "./rotation-params.ts";

/** The `backend` of a backup task, as the user writes it. */
export type BackendParam = NullBackendParam | LocalfsBackendParam | S3BackendParam | RcloneBackendParam | CustomBackendParam;

/** The `backend` of a backup task, as the program uses it. */
export type ResolvedBackendParam = ResolvedNullParam | ResolvedLocalfsParam | ResolvedS3Param | ResolvedRcloneParam | ResolvedCustomParam;

/** The schemas of `backend`, one per type, for the config schema's `v.variant("type", ...)`. */
export const backendSchemas = [nullSchema, localfsSchema, s3Schema, rcloneSchema, customSchema] as const;
