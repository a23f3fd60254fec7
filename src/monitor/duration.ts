/** Durations for status thresholds: `26h`, `2d`, `1d12h`, `90m` (m = minutes), `45s`, `1w`. */
const UNIT_MS: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };
const DURATION_RE = /^(?:\d+(?:\.\d+)?[wdhms])+$/;

/** Milliseconds, or null when `text` is not a duration. */
export function parseDuration(text: string): number | null {
  if (!DURATION_RE.test(text)) return null;
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/(\d+(?:\.\d+)?)([wdhms])/g)) ms += Number(n) * UNIT_MS[unit!]!;
  return ms;
}

/** `51h 3m`, `2d 4h`, `45s`: an age as an operator reads it. */
export function formatAge(ms: number): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  const sign = ms < 0 ? "-" : "";
  if (s < 60) return `${sign}${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${sign}${m}m`;
  const h = Math.floor(m / 60);
  if (h < 72) return `${sign}${h}h ${m % 60}m`;
  return `${sign}${Math.floor(h / 24)}d ${h % 24}h`;
}
