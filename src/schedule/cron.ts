/**
 * A calendar expression as the five time fields of a crontab line, for hosts
 * that run cron rather than systemd timers. Only what cron can say is
 * accepted: whole minutes, every year, no time zone.
 */

/** systemd's shorthands, in their normalized forms (systemd.time(7)). */
const _SHORTHANDS: Record<string, string> = {
  minutely: "*-*-* *:*:00",
  hourly: "*-*-* *:00:00",
  daily: "*-*-* 00:00:00",
  weekly: "Mon *-*-* 00:00:00",
  monthly: "*-*-01 00:00:00",
  yearly: "*-01-01 00:00:00",
  annually: "*-01-01 00:00:00",
  quarterly: "*-01,04,07,10-01 00:00:00",
  semiannually: "*-01,07-01 00:00:00",
};

const _DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/** One calendar field (`*`, `5`, `1,15`, `1..5`, `0/15`) as a cron field, or null if cron cannot say it. */
function _field(f: string, min: number, max: number): string | null {
  if (f === "*") return "*";
  const parts = f.split(",").map((p) => {
    const rep = p.match(/^(\*|\d+)\/(\d+)$/);
    // cron steps over a range: 0/15 is 0-59/15.
    if (rep) return `${rep[1] === "*" ? "*" : `${Number(rep[1])}-${max}`}/${Number(rep[2])}`;
    const range = p.match(/^(\d+)\.\.(\d+)$/);
    if (range && Number(range[1]) >= min && Number(range[2]) <= max) return `${Number(range[1])}-${Number(range[2])}`;
    if (/^\d+$/.test(p) && Number(p) >= min && Number(p) <= max) return String(Number(p));
    return null;
  });
  return parts.includes(null) ? null : parts.join(",");
}

function _weekdays(w: string): string | null {
  const day = (d: string) => {
    const i = _DAYS.indexOf(d.slice(0, 3).toLowerCase());
    return i < 0 ? null : _DAYS[i]!;
  };
  const parts = w.split(",").map((p) => {
    const [a, b, ...rest] = p.split("..");
    if (rest.length) return null;
    const from = day(a!);
    if (b === undefined) return from;
    const to = day(b);
    return from && to ? `${from}-${to}` : null;
  });
  return parts.includes(null) ? null : parts.join(",");
}

/**
 * `m h dom mon dow` for a calendar expression (a shorthand, systemd's
 * normalized form, or `[DOW] [Y-M-D] [H:M[:S]]`), or `{ problem }`.
 */
export function cronFields(expr: string): string | { problem: string } {
  const text = _SHORTHANDS[expr.trim().toLowerCase()] ?? expr.trim();
  const cannot = (why: string) => ({ problem: `${JSON.stringify(expr)} cannot be written as a crontab line: ${why}` });
  const tokens = text.split(/\s+/);
  let dow = "*";
  if (tokens[0] && /^[A-Za-z]/.test(tokens[0])) {
    const w = _weekdays(tokens.shift()!);
    if (!w) return cannot("unknown weekday");
    dow = w;
  }
  let date = "*-*-*";
  if (tokens[0]?.includes("-")) date = tokens.shift()!;
  let time = "00:00:00";
  if (tokens[0]?.includes(":")) time = tokens.shift()!;
  if (tokens.length) return cannot(`cron has no time zones or other parts ("${tokens.join(" ")}")`);

  const d = date.split("-");
  if (d.length === 2) d.unshift("*");
  if (d.length !== 3) return cannot(`unreadable date "${date}"`);
  if (d[0] !== "*") return cannot("cron repeats every year");
  const t = time.split(":");
  if (t.length === 2) t.push("00");
  if (t.length !== 3) return cannot(`unreadable time "${time}"`);
  if (!/^0+$/.test(t[2]!)) return cannot("cron runs at whole minutes (seconds must be 00)");

  const minute = _field(t[1]!, 0, 59);
  const hour = _field(t[0]!, 0, 23);
  const dom = _field(d[2]!, 1, 31);
  const month = _field(d[1]!, 1, 12);
  if (minute === null || hour === null || dom === null || month === null) return cannot("a field cron does not understand");
  // cron runs when EITHER the day of month or the weekday matches; systemd when both do.
  if (dom !== "*" && dow !== "*") return cannot("both a weekday and a day of the month");
  return `${minute} ${hour} ${dom} ${month} ${dow}`;
}
