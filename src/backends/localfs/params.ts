/** The localfs backend's parameters: as the user writes them (schema and documented type) and as the program uses them. */
import * as v from "valibot";
import type { RotationLimits } from "../descriptor.ts";
import { rotationFields, type RotationParam } from "../rotation-params.ts";

/** Copies in a local directory (also NFS and Samba mounts). */
export interface LocalfsBackendParam extends RotationParam {
  type: "localfs";
  /** The backend root: copies are `ROOT/PREFIX/PATH`. Required. */
  root: string;
  /** Mode of new directories, octal. @default "750" */
  dmode?: string;
  /** Mode of new files, octal. @default "640" */
  fmode?: string;
}

export const localfsSchema = v.strictObject({
  type: v.literal("localfs"),
  root: v.pipe(v.string(), v.check((s) => !s.includes("\0"), "cannot contain NUL (\\0)")),
  dmode: v.optional(v.string()),
  fmode: v.optional(v.string()),
  ...rotationFields,
});

export interface ResolvedLocalfsParam extends RotationLimits {
  readonly type: "localfs";
  readonly root: string;
  /** Numeric modes, parsed from octal strings. */
  readonly dmode: number;
  readonly fmode: number;
}
