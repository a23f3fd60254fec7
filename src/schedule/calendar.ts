/**
 * A task's `schedule`: a systemd calendar expression (`OnCalendar=`,
 * systemd.time(7)) such as `daily`, `*-*-* 03:30` or `Mon..Fri 22:00`.
 * The config schema checks its shape without spawning anything; `palhm check`
 * and `palhm schedule install` have `systemd-analyze calendar` judge it fully
 * where systemd is installed.
 */

const _SHAPE = /^[A-Za-z0-9 *,.:/~+_-]+$/;

/** Why `expr` cannot be a calendar expression at all (the cheap check of the config schema), or null. */
export function calendarShapeProblem(expr: string): string | null {
  if (expr.trim() === "") return "cannot be empty (a systemd calendar expression such as \"daily\" or \"*-*-* 03:30\")";
  if (expr.length > 256) return "is too long for a calendar expression";
  if (!_SHAPE.test(expr)) return `${JSON.stringify(expr)} is not a systemd calendar expression (allowed: letters, digits, space and * , . : / ~ + _ -)`;
  return null;
}

export interface CalendarVerdict {
  /** systemd's normalized form, e.g. `*-*-* 03:30:00`. */
  readonly normalized: string;
  /** When it next elapses, as systemd-analyze prints it. */
  readonly next?: string;
}

/** Whether systemd-analyze can be run here. */
export function hasSystemdAnalyze(): boolean {
  return Bun.which("systemd-analyze") !== null;
}

/**
 * systemd-analyze's verdict on `expr`: its normalized form, or `{ problem }`
 * with systemd's own message. Null when systemd-analyze is not installed.
 */
export async function analyzeCalendar(expr: string): Promise<CalendarVerdict | { problem: string } | null> {
  if (!hasSystemdAnalyze()) return null;
  const proc = Bun.spawn(["systemd-analyze", "calendar", "--", expr], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, LC_ALL: "C", SYSTEMD_COLORS: "0", SYSTEMD_PAGER: "" },
  });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) return { problem: err.trim().split("\n")[0] || `systemd-analyze calendar exited ${code}` };
  const field = (name: string) => out.match(new RegExp(`^\\s*${name}: (.*)$`, "m"))?.[1]?.trim();
  const normalized = field("Normalized form");
  if (!normalized) return { problem: `systemd-analyze calendar gave no normalized form: ${out.trim()}` };
  const next = field("Next elapse");
  return next ? { normalized, next } : { normalized };
}
