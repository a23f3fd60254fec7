/** A rotation limit: a non-negative integer of any size, or `null` for "no limit". */
export type Limit = bigint | null;

const INF = /^[+-]?(inf|infinity)$/i;
const DEC = /^\s*([+-]?)(\d+)(?:\.\d*)?\s*$/;

/** Parses PALHM's decimal type. Negative infinity is "no limit" too. Throws a plain Error on bad input. */
export function parseLimit(v: number | string | undefined): Limit {
  if (v === undefined) return null;
  if (typeof v === "number") {
    if (Number.isNaN(v)) throw new Error("NaN is not a limit");
    if (!Number.isFinite(v)) return null;
    v = BigInt(Math.trunc(v)).toString();
  }
  const s = v.trim();
  if (INF.test(s)) return null;
  const m = DEC.exec(s);
  if (!m) throw new Error(`"${v}" is not a decimal (digits, or "inf"/"Infinity")`);
  const n = BigInt(m[2]!);
  if (m[1] === "-" && n !== 0n) throw new Error(`"${v}": a limit cannot be negative`);
  return n;
}
