/**
 * Wall-clock calendar in a named time zone (IANA, e.g. "Europe/Berlin"), for
 * retention by age: which hour, day, ISO week, month and year a copy falls in,
 * and calendar arithmetic ("10 days before") as Go's time.AddDate does it.
 */

export interface Wall {
  readonly year: number;
  readonly month: number; // 1-12
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const _formats = new Map<string, Intl.DateTimeFormat>();

function _format(timeZone: string): Intl.DateTimeFormat {
  let f = _formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric",
    });
    _formats.set(timeZone, f);
  }
  return f;
}

/** The host's time zone (TZ, else /etc/localtime), as Intl sees it. */
export function hostTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Null when `timeZone` names a zone Intl knows, else why not. */
export function checkTimeZone(timeZone: string): string | null {
  try {
    _format(timeZone);
    return null;
  } catch {
    return `"${timeZone}" is not a time zone name (IANA names such as "UTC" or "Europe/Berlin")`;
  }
}

export function wallOf(ms: number, timeZone: string): Wall {
  const parts: Record<string, number> = {};
  for (const p of _format(timeZone).formatToParts(ms)) if (p.type !== "literal") parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** The instant whose wall clock in `timeZone` reads `w` (fields may overflow, as in Date.UTC). In a DST gap or overlap: one of the candidates. */
export function instantOf(w: Wall, timeZone: string): number {
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  let t = asUtc - _offset(asUtc, timeZone);
  t = asUtc - _offset(t, timeZone);
  return t;
}

function _offset(ms: number, timeZone: string): number {
  const w = wallOf(ms, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(ms / 1000) * 1000;
}

/** ISO 8601 week-numbering year and week of a calendar date. */
export function isoWeek(year: number, month: number, day: number): { year: number; week: number } {
  const d = new Date(Date.UTC(year, month - 1, day));
  const weekday = d.getUTCDay() || 7; // Monday 1 .. Sunday 7
  d.setUTCDate(d.getUTCDate() + 4 - weekday); // the Thursday of this week decides the year
  const y = d.getUTCFullYear();
  const week = Math.ceil(((d.getTime() - Date.UTC(y, 0, 1)) / 86_400_000 + 1) / 7);
  return { year: y, week };
}
