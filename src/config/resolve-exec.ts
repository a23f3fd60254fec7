/** Execs: definitions with defaults applied, and the three ways a pipeline or routine uses one. */
import { ConfigError } from "../errors.ts";
import { parseEc, EC_DEFAULT } from "../exec/ec.ts";
import type { ResolvedExec } from "./resolved.ts";
import type { CheckedExecRef } from "./schema.ts";
import { formatPath, type Path } from "./issues.ts";

export const VL_STDERR_DEFAULT = 1;
export const VL_STDOUT_DEFAULT = 3;

/** An exec definition as validated (argv may still be empty: that is checked here). */
export interface ExecDefInput {
  readonly argv: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly ec?: string;
  readonly vlStderr?: number;
  readonly vlStdout?: number;
}

/** An exec definition with defaults applied and `ec` parsed. */
export function resolveExecDef(def: ExecDefInput, path: Path, source?: string, id?: string): ResolvedExec {
  if (def.argv.length === 0) throw new ConfigError("argv is empty", formatPath([...path, "argv"]), source);
  let ec = EC_DEFAULT;
  if (def.ec !== undefined) {
    try {
      ec = parseEc(def.ec);
    } catch (e) {
      throw new ConfigError((e as Error).message, formatPath([...path, "ec"]), source);
    }
  }
  return {
    ...(id === undefined ? {} : { id }),
    argv: [...def.argv],
    env: { ...def.env },
    ec,
    vlStderr: def.vlStderr ?? VL_STDERR_DEFAULT,
    vlStdout: def.vlStdout ?? VL_STDOUT_DEFAULT,
  };
}

function _unknown(id: string, execs: ReadonlyMap<string, ResolvedExec>, path: Path, source?: string): ConfigError {
  const known = [...execs.keys()];
  const list = known.length ? known.join(", ") : "none defined";
  return new ConfigError(`unknown exec "${id}" (known: ${list})`, formatPath(path), source);
}

/** A use of an exec: by id, by id with argv/env appended, or inline. */
export function resolveExecRef(
  ref: CheckedExecRef,
  execs: ReadonlyMap<string, ResolvedExec>,
  path: Path,
  source?: string,
): ResolvedExec {
  if (typeof ref === "string") {
    const exec = execs.get(ref);
    if (!exec) throw _unknown(ref, execs, path, source);
    return exec;
  }
  if ("exec" in ref) {
    const exec = execs.get(ref.exec);
    if (!exec) throw _unknown(ref.exec, execs, [...path, "exec"], source);
    return {
      ...exec,
      argv: [...exec.argv, ...(ref.argv ?? [])],
      env: { ...exec.env, ...ref.env },
      vlStderr: ref.vlStderr ?? exec.vlStderr,
      vlStdout: ref.vlStdout ?? exec.vlStdout,
    };
  }
  return resolveExecDef(ref, path, source);
}

/** A non-empty pipeline of exec uses. */
export function resolvePipeline(
  refs: readonly CheckedExecRef[],
  execs: ReadonlyMap<string, ResolvedExec>,
  path: Path,
  source?: string,
): ResolvedExec[] {
  if (refs.length === 0) throw new ConfigError("a pipeline needs at least one exec", formatPath(path), source);
  return refs.map((ref, i) => resolveExecRef(ref, execs, [...path, i], source));
}
