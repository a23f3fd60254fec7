/** Turning valibot issues into one-line config errors that start with the fault's path. */
import type * as v from "valibot";
import { ConfigError } from "../errors.ts";

export type Path = readonly (string | number)[];

const IDENT = /^[A-Za-z_$][\w$-]*$/;

/** `["tasks", "backup", "objects", 2, "pipeline", 1]` → `tasks.backup.objects[2].pipeline[1]`. */
export function formatPath(path: Path): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (IDENT.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

function _show(x: unknown): string {
  if (x === undefined) return "nothing";
  if (typeof x === "function") return "a function";
  if (Array.isArray(x)) return "an array";
  if (x === null) return "null";
  if (typeof x === "object") return "an object";
  return JSON.stringify(x) ?? String(x);
}

/** valibot's `("a" | "b")` → `one of "a", "b"`; `Array` → `a list`. */
function _expected(e: string): string {
  const names: Record<string, string> = { Array: "a list", Object: "an object", string: "a string", number: "a number", boolean: "true or false" };
  if (names[e]) return names[e]!;
  const alt = /^\((.*)\)$/.exec(e);
  if (alt && alt[1]!.includes(" | ")) return `one of ${alt[1]!.split(" | ").map((x) => names[x] ?? x).join(", ")}`;
  return e;
}

function _issuePath(issue: v.BaseIssue<unknown>): (string | number)[] {
  return (issue.path ?? []).map((p) => p.key as string | number);
}

/** One line for one issue: `PATH: what is wrong`. */
export function describeIssue(issue: v.BaseIssue<unknown>, prefix: Path = []): { path: string; message: string } {
  const path = [...prefix, ..._issuePath(issue)];
  if (issue.type.endsWith("strict_object") && issue.expected === "never") {
    const key = path.pop();
    return { path: formatPath(path), message: `unknown key ${JSON.stringify(key)}` };
  }
  if (issue.input === undefined && issue.kind === "schema") {
    return { path: formatPath(path), message: "is required" };
  }
  if (issue.kind === "schema" && issue.expected) {
    return { path: formatPath(path), message: `expected ${_expected(issue.expected)}, got ${_show(issue.input)}` };
  }
  return { path: formatPath(path), message: issue.message.replace(/^Invalid \w+: /, "") };
}

/** A ConfigError for the first issue (and how many more there are). */
export function issuesError(issues: readonly v.BaseIssue<unknown>[], source?: string, prefix: Path = []): ConfigError {
  const { path, message } = describeIssue(issues[0]!, prefix);
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
  return new ConfigError(message + more, path || undefined, source);
}

/** What a config's own code threw, as one line (a stack overflow said as what it means for a config). */
export function configThrew(e: unknown): string {
  if (e instanceof RangeError && /call stack/i.test(e.message)) return "it nests too deep to be read (Maximum call stack size exceeded)";
  const message = e instanceof Error ? e.message : String(e);
  return message.split("\n")[0] ?? "";
}
