/** The rotation parameters every storing backend takes (PALHM's count and size limits). */
import * as v from "valibot";
import { parseLimit, type Limit } from "../backup/decimal.ts";
import type { ParamSite, RotationLimits } from "./descriptor.ts";

/** Decimal: a number, or a string of digits (bytes may pass 2^53), or "inf". */
type Decimal = number | string;

/** Rotation limits, shared by every storing backend. */
export interface RotationParam {
  /** Number of copies to keep. @default "inf" */
  nbCopyLimit?: Decimal;
  /** Total bytes allowed under the backend root. @default "inf" */
  rootSizeLimit?: Decimal;
}

const decimal = v.union([v.number(), v.string()]);

/** The schema entries of RotationParam, spread into each storing backend's schema. */
export const rotationFields = { nbCopyLimit: v.optional(decimal), rootSizeLimit: v.optional(decimal) };

export function resolveRotation(checked: RotationParam, at: ParamSite): RotationLimits {
  const limit = (field: keyof RotationParam): Limit => {
    try {
      return parseLimit(checked[field]);
    } catch (e) {
      return at.fail(field, (e as Error).message);
    }
  };
  return { nbCopyLimit: limit("nbCopyLimit"), rootSizeLimit: limit("rootSizeLimit") };
}
