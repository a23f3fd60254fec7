/** Accepted exit codes, inclusive. Parsed from PALHM's `ec` grammar. */
export interface EcRange {
  readonly min: number;
  readonly max: number;
  /** The text it was parsed from, for messages. */
  readonly text: string;
}

const RANGE = /^\s*(\d+)\s*-\s*(\d+)\s*$/;
const COMPARE = /^\s*(<=|>=|==|<|>)?\s*(\d+)\s*$/;

/** Parses `"MIN-MAX"` or `"[C]N"`. Throws a plain Error with the reason; callers add the config path. */
export function parseEc(text: string): EcRange {
  const r = RANGE.exec(text);
  if (r) {
    const min = code(r[1]!, text);
    const max = code(r[2]!, text);
    if (min > max) throw new Error(`empty exit code range "${text}"`);
    return { min, max, text };
  }
  const c = COMPARE.exec(text);
  if (!c) throw new Error(`invalid exit code range "${text}" (expected "MIN-MAX" or "[<|<=|>|>=|==]N")`);
  const op = c[1] ?? "==";
  // An exact code must exist; a comparator is the codes 0..255 it admits (PALHM's "<256" is every code).
  const n = op === "==" ? code(c[2]!, text) : Number(c[2]!);
  let range: [number, number];
  switch (op) {
    case "<": range = [0, n - 1]; break;
    case "<=": range = [0, n]; break;
    case ">": range = [n + 1, 255]; break;
    case ">=": range = [n, 255]; break;
    default: range = [n, n];
  }
  range = [Math.max(0, range[0]), Math.min(255, range[1])];
  if (range[0] > range[1]) throw new Error(`empty exit code range "${text}" (exit codes are 0..255)`);
  return { min: range[0], max: range[1], text };
}

function code(s: string, text: string): number {
  const n = Number(s);
  if (n > 255) throw new Error(`exit code ${s} out of 0..255 in "${text}"`);
  return n;
}

export function ecAccepts(ec: EcRange, status: number): boolean {
  return status >= ec.min && status <= ec.max;
}

export const EC_DEFAULT: EcRange = { min: 0, max: 0, text: "==0" };
