/** The rclone backend's parameters: as the user writes them (schema and documented type) and as the program uses them. */
import * as v from "valibot";
import type { RotationLimits } from "../descriptor.ts";
import { rotationFields, type RotationParam } from "../rotation-params.ts";

/**
 * Copies on any rclone remote (SFTP, WebDAV, Google Cloud Storage, Azure Blob,
 * Backblaze B2...), through Debian's `rclone` program. Credentials stay in
 * the rclone config file or in RCLONE_CONFIG_<REMOTE>_<OPTION> variables,
 * never in these parameters.
 * @example { type: "rclone", remote: "sftp-host:backups/web1", config: "/etc/palhm/rclone.conf", nbCopyLimit: 7 }
 */
export interface RcloneBackendParam extends RotationParam {
  type: "rclone";
  /** `NAME:PATH`: a remote of the rclone config and the folder copies go in, e.g. `"sftp-host:backups/web1"`. Required. */
  remote: string;
  /** The rclone config file (rclone's `--config`). @default rclone's own: $RCLONE_CONFIG, else ~/.config/rclone/rclone.conf */
  config?: string;
  /** Extra rclone flags for every call, e.g. `["--bwlimit", "20M"]`. No secrets: a command line shows in `ps`. @default [] */
  flags?: string[];
}

export const rcloneSchema = v.strictObject({
  type: v.literal("rclone"),
  remote: v.string(),
  config: v.optional(v.string()),
  flags: v.optional(v.array(v.string())),
  ...rotationFields,
});

export interface ResolvedRcloneParam extends RotationLimits {
  readonly type: "rclone";
  /** Without trailing "/" (except a bare `NAME:`). */
  readonly remote: string;
  readonly config?: string;
  readonly flags: readonly string[];
}
