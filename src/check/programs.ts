/**
 * `palhm check`: does every program the config names exist and is it executable?
 * Resolution follows what a spawn would do: a name with a `/` is a path,
 * anything else is looked up in the PATH the program will run with (the
 * exec's own `env.PATH` if it sets one, else palhm's).
 */
import { accessSync, constants, statSync } from "node:fs";
import type { ResolvedConfig, ResolvedExec } from "../config/resolved.ts";
import { descriptorOf } from "../backends/registry.ts";

export interface ProgramUse {
  /** Where the config names it, e.g. `tasks.backup.objects[1].pipeline[0]`. */
  readonly where: string;
  readonly program: string;
  /** Effective PATH for the lookup. */
  readonly path: string;
  /** False for an exec definition no task runs (e.g. an rpm exec of config/core.ts on a Debian host). */
  readonly used: boolean;
}

export interface ProgramProblem extends ProgramUse {
  readonly problem: string;
}

/** Every program the config names, with where it is named and whether anything runs it. */
export function programUses(config: ResolvedConfig, envPath = process.env.PATH ?? ""): ProgramUse[] {
  const runs: ProgramUse[] = [];
  const usedIds = new Set<string>();
  const add = (where: string, exec: ResolvedExec) => {
    if (exec.id !== undefined) usedIds.add(exec.id);
    runs.push({ where, program: exec.argv[0]!, path: exec.env.PATH ?? envPath, used: true });
  };
  for (const [id, task] of config.tasks) {
    if (task.type === "backup") {
      for (const program of descriptorOf(task.backend).programs?.(task.backend) ?? []) {
        runs.push({ where: `tasks.${id}.backend`, program, path: envPath, used: true });
      }
      task.objects.forEach((o, i) => {
        o.pipeline.forEach((e, j) => add(`tasks.${id}.objects[${i}].pipeline[${j}]`, e));
        o.restore?.forEach((e, j) => add(`tasks.${id}.objects[${i}].restore[${j}]`, e));
      });
    } else if (task.type === "routine") {
      task.steps.forEach((s, i) => {
        if (s.kind === "exec") add(`tasks.${id}.steps[${i}]`, s.exec);
      });
    }
  }
  const mua = config.bootReport?.mua;
  if (mua?.type === "mailx") runs.push({ where: "bootReport.mua", program: mua.path, path: envPath, used: true });
  const definitions = [...config.execs].map(([id, exec]) => ({
    where: `execs.${id}`,
    program: exec.argv[0]!,
    path: exec.env.PATH ?? envPath,
    used: usedIds.has(id),
  }));
  return [...definitions, ...runs];
}

/** Resolves a program as spawning would; returns the absolute path, or why it cannot run. */
export function resolveProgram(program: string, path: string): { file: string } | { problem: string } {
  if (program.includes("/")) return _executable(program);
  for (const dir of path.split(":")) {
    const file = `${dir || "."}/${program}`;
    const r = _executable(file);
    if ("file" in r) return r;
  }
  return { problem: "not found in PATH" };
}

function _executable(file: string): { file: string } | { problem: string } {
  let st;
  try {
    st = statSync(file);
  } catch {
    return { problem: "does not exist" };
  }
  if (!st.isFile()) return { problem: "is not a regular file" };
  try {
    accessSync(file, constants.X_OK);
  } catch {
    return { problem: "is not executable" };
  }
  return { file };
}

/** The uses whose program cannot run. */
export function checkPrograms(config: ResolvedConfig, envPath?: string): ProgramProblem[] {
  const problems: ProgramProblem[] = [];
  for (const use of programUses(config, envPath)) {
    const r = resolveProgram(use.program, use.path);
    if ("problem" in r) problems.push({ ...use, problem: r.problem });
  }
  return problems;
}
