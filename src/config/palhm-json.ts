/**
 * PALHM's JSON config format (kebab-case keys, `execs` and `tasks` as arrays
 * with ids, `backend` + `backend-param`, typed pipeline entries) translated
 * into the shape of a `palhm.config.ts`, so one schema validates both and
 * errors carry the same paths. Keys it does not know are passed through
 * unchanged: the schema then reports them, under the name the user wrote.
 */
import { ConfigError } from "../errors.ts";
import { formatPath, type Path } from "./issues.ts";

type Obj = Record<string, unknown>;

const isObj = (x: unknown): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);

/** Renames known keys; every other key is kept as written. */
function _rename(o: Obj, names: Record<string, string>, drop: readonly string[] = []): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) {
    if (drop.includes(k)) continue;
    out[names[k] ?? k] = v;
  }
  return out;
}

const EXEC_KEYS = { "vl-stderr": "vlStderr", "vl-stdout": "vlStdout" };
const ROTATION_KEYS = { "nb-copy-limit": "nbCopyLimit", "root-size-limit": "rootSizeLimit" };
const BACKEND_KEYS = { ...ROTATION_KEYS, "sink-storage-class": "sinkStorageClass", "rot-storage-class": "rotStorageClass" };
/**
 * PALHM's localfs `block-size` tuned its dd; palhm writes without dd, so it is accepted and has no effect.
 * `prefix` is PALHM's reserved naming of copies: only its default exists (checked by _prefix).
 */
const BACKEND_IGNORED = ["block-size", "prefix"];

/** `"prefix": { "type": "default" }`, as PALHM's sample configs have it, names copies as always; nothing else exists. */
function _prefix(prefix: unknown, path: Path): void {
  const isDefault = isObj(prefix) && prefix.type === "default" && Object.keys(prefix).length === 1;
  _need(
    isDefault,
    `only { "type": "default" } is supported: a copy is named by the UTC time of its run, as \`date --utc --iso-8601=seconds\` prints it (got ${JSON.stringify(prefix)})`,
    path,
  );
}

function _need(cond: boolean, message: string, path: Path): asserts cond {
  if (!cond) throw new ConfigError(message, formatPath(path));
}

function _execRef(e: unknown, path: Path, extra: "step" | "pipeline"): unknown {
  if (!isObj(e)) return e;
  const { type, ...rest } = e;
  switch (type) {
    case "exec": {
      _need(typeof rest["exec-id"] === "string", 'needs "exec-id"', path);
      const extra = Object.keys(rest).find((k) => k !== "exec-id" && !(k in EXEC_KEYS));
      _need(extra === undefined, `unexpected key ${JSON.stringify(extra)} in an "exec" entry (known: exec-id, vl-stderr, vl-stdout)`, path);
      // With its own thresholds, the use is an exec-append that appends nothing.
      return Object.keys(rest).length === 1 ? rest["exec-id"] : _rename(rest, { "exec-id": "exec", ...EXEC_KEYS });
    }
    case "exec-append":
      return _rename(rest, { "exec-id": "exec", ...EXEC_KEYS });
    case "exec-inline":
      return _rename(rest, EXEC_KEYS);
    case "task":
      if (extra === "step") return _rename(rest, { "task-id": "task" });
      break;
    case "builtin":
      if (extra === "step") return _rename(rest, { "builtin-id": "builtin" });
      break;
  }
  const known = extra === "step" ? "exec, exec-append, exec-inline, task, builtin" : "exec, exec-append, exec-inline";
  throw new ConfigError(`unknown type ${JSON.stringify(type)} (known: ${known})`, formatPath([...path, "type"]));
}

function _list(x: unknown, path: Path, each: (e: unknown, path: Path) => unknown): unknown {
  return Array.isArray(x) ? x.map((e, i) => each(e, [...path, i])) : x;
}

/** An array of `{id, ...}` → an object keyed by id. */
function _byId(list: unknown, path: Path, each: (e: Obj, path: Path) => unknown): unknown {
  if (!Array.isArray(list)) return list;
  const out: Obj = {};
  list.forEach((e, i) => {
    _need(isObj(e), "expected an object", [...path, i]);
    _need(typeof e.id === "string" && e.id !== "", 'needs an "id"', [...path, i, "id"]);
    const id = e.id as string;
    _need(!(id in out), `${JSON.stringify(id)} is defined twice`, [...path, i, "id"]);
    const { id: _, ...rest } = e;
    out[id] = each(rest, [...path, id]);
  });
  return out;
}

function _object(o: unknown, path: Path): unknown {
  if (!isObj(o)) return o;
  const r = _rename(o, { "alloc-size": "allocSize" });
  // PALHM joins ROOT/PREFIX and the path, so "/abs/x.bin" lands at PREFIX/abs/x.bin: inside the copy, never outside it.
  if (typeof r.path === "string") r.path = r.path.replace(/^\/+/, "");
  r.pipeline = _list(r.pipeline, [...path, "pipeline"], (e, p) => _execRef(e, p, "pipeline"));
  if ("restore" in r) r.restore = _list(r.restore, [...path, "restore"], (e, p) => _execRef(e, p, "pipeline"));
  return r;
}

function _task(t: Obj, path: Path): unknown {
  if (t.type === "routine") {
    const r = _rename(t, { routine: "steps" });
    // Faults found here are located as written: "routine", not palhm's "steps".
    r.steps = _list(r.steps, [...path, "routine"], (e, p) => _execRef(e, p, "step"));
    return r;
  }
  if (t.type !== "backup") return t;
  const { backend, "backend-param": param, ...rest } = t;
  _need(param === undefined || isObj(param), "expected an object", [...path, "backend-param"]);
  if (param && "prefix" in param) _prefix(param.prefix, [...path, "backend-param", "prefix"]);
  const r: Obj = { type: rest.type, backend: { type: backend, ..._rename(param ?? {}, BACKEND_KEYS, BACKEND_IGNORED) }, ..._rename(rest, { "object-groups": "objectGroups" }) };
  r.objects = _list(r.objects, [...path, "objects"], _object);
  return r;
}

function _bootReport(b: unknown, path: Path): unknown {
  if (!isObj(b)) return b;
  const { mua, "mua-param": param, ...rest } = b;
  const r = _rename(rest, {
    "mail-to": "mailTo",
    "uptime-since": "uptimeSince",
    bootid: "bootId",
    "boot-id": "bootId",
    "boot-wait": "bootWait",
  });
  if (param === undefined) r.mua = mua;
  else {
    _need(isObj(param), "expected an object", [...path, "mua-param"]);
    // PALHM's mailx MUA names its program `exec`; palhm's is `path`.
    r.mua = { type: mua, ..._rename(param, mua === "mailx" ? { "int-opts": "intOpts", exec: "path" } : { "int-opts": "intOpts" }) };
  }
  return r;
}

/**
 * Whether a config file is PALHM JSON/JSONC: anything but a `.ts`/`.js`
 * module (and their m/c/x variants), so PALHM's own `palhm.conf` is one.
 */
export function isPalhmJsonFile(file: string): boolean {
  return !/\.[cm]?[jt]sx?$/i.test(file);
}

/** A PALHM JSON document → a user config object, and the include paths it lists (as written). */
export function translatePalhmJson(doc: unknown): { config: unknown; include: string[] } {
  if (!isObj(doc)) throw new ConfigError("a PALHM config must be a JSON object");
  // "$schema" points editors at `palhm schema`'s output; it is not a setting.
  const { include, $schema: _schema, ...rest } = doc;
  _need(include === undefined || (Array.isArray(include) && include.every((p) => typeof p === "string")), "expected a list of file paths", ["include"]);
  const c = _rename(rest, { "nb-workers": "workers", vl: "verbosity", "boot-report": "bootReport", "hooks-dir": "hooksDir" });
  if ("execs" in c) c.execs = _byId(c.execs, ["execs"], (e) => _rename(e, EXEC_KEYS));
  if ("tasks" in c) c.tasks = _byId(c.tasks, ["tasks"], _task);
  if ("bootReport" in c) c.bootReport = _bootReport(c.bootReport, ["boot-report"]);
  return { config: c, include: (include as string[] | undefined) ?? [] };
}
