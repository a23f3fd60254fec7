/**
 * PALHM's include order, kept by `palhm migrate`. PALHM lets an included
 * file's settings override the including file's and lists the including
 * file's recipients first; a TS config is merged after what it includes. So
 * where two files of a migration set the same setting, the value PALHM would
 * use goes to the migrated root config (merged last in TS) and leaves the
 * others, and `mailTo` is gathered there in PALHM's order.
 */

type Obj = Record<string, unknown>;

export interface OrderedFile {
  readonly source: string;
  /** The translated config; undefined for an imported TS config (left as it is). */
  readonly config: unknown;
  readonly includes: readonly string[];
}

const SETTINGS = ["workers", "verbosity", "hooksDir"] as const;
/** Boot report fields merged by override; `mua` is set once and `mailTo` concatenated. */
const REPORT_SETTINGS = ["subject", "header", "uptimeSince", "uptime", "bootId", "bootWait", "delay"] as const;

const _isObj = (x: unknown): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);

/** The files in PALHM's merge order: each file before the files it includes, each merged once. */
function _palhmOrder(root: string, byPath: ReadonlyMap<string, OrderedFile>): OrderedFile[] {
  const out: OrderedFile[] = [];
  const seen = new Set<string>();
  const visit = (path: string) => {
    const f = byPath.get(path);
    if (!f || seen.has(path)) return;
    seen.add(path);
    out.push(f);
    for (const inc of f.includes) visit(inc);
  };
  visit(root);
  return out;
}

/** Moves settings set by more than one file to the root, with the value PALHM would use. Changes the configs in place. */
export function keepPalhmOrder(root: string, files: readonly OrderedFile[]): void {
  const byPath = new Map(files.map((f) => [f.source, f]));
  const order = _palhmOrder(root, byPath).filter((f) => _isObj(f.config));
  const rootConfig = byPath.get(root)?.config;
  if (!_isObj(rootConfig)) return;
  const configs = order.map((f) => f.config as Obj);

  for (const key of SETTINGS) {
    const setters = configs.filter((c) => key in c);
    if (setters.length < 2) continue;
    const value = setters.at(-1)![key];
    for (const c of setters) delete c[key];
    rootConfig[key] = value;
  }

  const reports = configs.map((c) => c.bootReport).filter(_isObj);
  if (reports.length < 2) return;
  const gathered: Obj = {};
  for (const key of REPORT_SETTINGS) {
    const setters = reports.filter((r) => key in r);
    if (setters.length < 2) continue;
    gathered[key] = setters.at(-1)![key];
    for (const r of setters) delete r[key];
  }
  const lists = reports.filter((r) => Array.isArray(r.mailTo));
  if (lists.length >= 2) {
    gathered.mailTo = lists.flatMap((r) => r.mailTo as unknown[]);
    for (const r of lists) delete r.mailTo;
  }
  rootConfig.bootReport = { ...(_isObj(rootConfig.bootReport) ? rootConfig.bootReport : {}), ...gathered };
}
