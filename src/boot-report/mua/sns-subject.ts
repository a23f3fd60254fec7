/**
 * SNS accepts a Subject only if it is ASCII, has no line breaks or control
 * characters, starts with a letter, digit or punctuation mark and is shorter
 * than 100 characters. This makes any subject fit.
 */

/** Longest subject SNS accepts ("must be less than 100 characters"). */
export const SNS_SUBJECT_MAX = 99;

/** The subject as SNS accepts it, or `undefined` when nothing printable is left (the Subject is then omitted). */
export function snsSubject(subject: string): string | undefined {
  const ascii = subject
    .normalize("NFKD")
    .replace(/\p{M}/gu, "") // é -> e once decomposed
    .replace(/[\u0000-\u001f\u007f\u2028\u2029\s]+/gu, " ")
    .replace(/[^\x20-\x7e]/g, "")
    .replace(/ {2,}/g, " ")
    .trim();
  if (!ascii) return undefined;
  if (ascii.length <= SNS_SUBJECT_MAX) return ascii;
  return ascii.slice(0, SNS_SUBJECT_MAX - 3).trimEnd() + "...";
}
