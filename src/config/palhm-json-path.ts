/**
 * The path of a fault, as a PALHM JSON user wrote it. A JSON config is
 * checked in palhm's camelCase shape (palhm-json.ts translates it), so a
 * fault found there is at `tasks.backup.backend.nbCopyLimit`; the user wrote
 * `backend-param` and `nb-copy-limit`, and the message must point at that.
 */

/** camelCase names whose PALHM spelling is not just their kebab-case. */
const RENAMED: Record<string, string> = {
  workers: "nb-workers",
  verbosity: "vl",
  steps: "routine",
  bootId: "boot-id",
  exec: "exec-id",
  task: "task-id",
  builtin: "builtin-id",
};
/** Where palhm nests a parameter object that PALHM keeps beside its type: `backend` + `backend-param`. */
const PARAM_OF: Record<string, string> = { backend: "backend-param", mua: "mua-param" };
/** The next segment is an id or an env variable's name, never renamed. */
const NAMED_BY_USER = new Set(["tasks", "execs", "env"]);

const TOKEN = /\.?([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/gy;
const IDENT = /^[A-Za-z_$][\w$-]*$/;

const _kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** `tasks.backup.backend.nbCopyLimit` → `tasks.backup.backend-param.nb-copy-limit`. Unparsable paths are returned unchanged. */
export function palhmJsonPath(path: string): string {
  const segs: (string | number)[] = [];
  TOKEN.lastIndex = 0;
  for (let m; TOKEN.lastIndex < path.length && (m = TOKEN.exec(path)); ) {
    segs.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : (JSON.parse(m[3]!) as string)));
  }
  if (TOKEN.lastIndex !== path.length) return path;
  const out = segs.map((seg, i) => {
    if (typeof seg === "number" || NAMED_BY_USER.has(segs[i - 1] as string)) return seg;
    const param = PARAM_OF[seg];
    if (param) return i + 1 < segs.length && segs[i + 1] !== "type" ? param : seg;
    return RENAMED[seg] ?? _kebab(seg);
  });
  // PALHM names the type by the key itself: `"backend": "localfs"`, `"mua": "mailx"`.
  const written = out.filter((s, i) => !(s === "type" && typeof out[i - 1] === "string" && (out[i - 1] as string) in PARAM_OF));
  return written
    .map((s, i) => (typeof s === "number" ? `[${s}]` : IDENT.test(s) ? (i ? `.${s}` : s) : `[${JSON.stringify(s)}]`))
    .join("");
}
