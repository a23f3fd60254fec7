/** A copy's prefix: the UTC time of the run as `date --utc --iso-8601=seconds` prints it. */
export const PREFIX_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/;

export function isPrefix(name: string): boolean {
  return PREFIX_RE.test(name);
}

export function prefixOf(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "+00:00");
}
