/**
 * Judging how the processes of a pipeline (or a single exec) ended, and
 * saying it as a diagnosis: the root cause first, then what died because of it.
 */
import type { ResolvedExec } from "./types.ts";
import { ecAccepts } from "./ec.ts";
import { argvLine } from "./argv.ts";
import { maskArgv } from "../secrets.ts";
import { ExecError } from "../errors.ts";

export interface ProcessOutcome {
  readonly exec: ResolvedExec;
  readonly exitCode: number | null;
  readonly signalCode: string | null;
  /** palhm stopped it (another process failed, the sink failed, or the run was aborted). */
  readonly stopped: boolean;
  /** It could not be started at all (e.g. program not found). */
  readonly spawnError?: Error;
  /** The last lines it wrote to stderr, and whether they were shown live. */
  readonly stderr?: { readonly tail: string; readonly live: boolean };
}

export interface JudgeOptions {
  /** Where this happened, e.g. `task backup, object "db.sql.zst"`. */
  readonly label?: string;
  readonly objectPath?: string;
  /** The sink failed: processes killed by SIGPIPE/stopped are its consequences. */
  readonly sinkFailed?: boolean;
}

function _failed(o: ProcessOutcome): boolean {
  if (o.spawnError) return true;
  if (o.exitCode === null) return true;
  return !ecAccepts(o.exec.ec, o.exitCode);
}

/** The exec as a message shows it: secrets in its arguments masked (errors land in mails and tickets). */
function _shown(o: ProcessOutcome): string {
  return argvLine(maskArgv(o.exec.argv));
}

function _pipeDeath(o: ProcessOutcome): boolean {
  return o.signalCode === "SIGPIPE" || o.exitCode === 141;
}

function _accepted(o: ProcessOutcome): string {
  const { min, max, text } = o.exec.ec;
  const range = min === max ? `${min}` : `${min}..${max}`;
  const t = text.trim().replace(/\s+/g, "");
  return t === range || t === `==${range}` ? `accepted: ${t}` : `accepted: ${t}, i.e. ${range}`;
}

function _what(o: ProcessOutcome): string {
  const cmd = "`" + _shown(o) + "`";
  if (o.spawnError) return `${cmd} could not be started: ${o.spawnError.message}`;
  if (o.exitCode === null) return `${cmd} was killed by ${o.signalCode ?? "a signal"}`;
  return `${cmd} exited with code ${o.exitCode} (${_accepted(o)})`;
}

/** The error for a set of outcomes, or null when every process ended within its accepted range. */
export function judgeOutcomes(outcomes: readonly ProcessOutcome[], options: JudgeOptions = {}): ExecError | null {
  const failed = outcomes.map(_failed);
  if (!failed.some(Boolean)) return null;
  const isConsequence = (i: number): boolean => {
    const o = outcomes[i]!;
    if (!failed[i] || o.spawnError) return false;
    if (o.stopped && o.exitCode === null) return true;
    if (!_pipeDeath(o)) return false;
    return options.sinkFailed === true || outcomes.some((_, j) => j > i && failed[j] && !isConsequence(j));
  };
  const roots = outcomes.map((_, i) => i).filter((i) => failed[i] && !isConsequence(i));
  const consequences = outcomes.map((_, i) => i).filter((i) => failed[i] && isConsequence(i));
  if (roots.length === 0 && options.sinkFailed) return null;
  // Everything failed only because palhm stopped it: no root cause among the processes.
  const primary = roots.length > 0 ? roots : consequences.slice(0, 1);
  const parts: string[] = primary.map((i) => {
    const o = outcomes[i]!;
    let s = _what(o);
    if (_pipeDeath(o) && roots.includes(i)) s += " (a later process stopped reading its output)";
    return s;
  });
  for (const i of consequences) {
    if (primary.includes(i)) continue;
    const o = outcomes[i]!;
    const cause = primary.find((j) => j > i) ?? primary[0]!;
    const how = o.exitCode === null ? `was killed by ${o.signalCode}` : `exited with code ${o.exitCode}`;
    const why = _pipeDeath(o) ? `because \`${_shown(outcomes[cause]!)}\` failed` : "when palhm stopped the pipeline";
    parts.push(`\`${_shown(o)}\` ${how} ${why}`);
  }
  const first = outcomes[primary[0]!]!;
  const where = options.label ? `${options.label}: ` : "";
  return new ExecError(
    `${where}${parts.join("; ")}`,
    maskArgv(first.exec.argv),
    first.exitCode,
    first.signalCode,
    first.exec.ec.text,
    options.objectPath,
    { tail: first.stderr?.tail ?? "", shown: first.stderr?.live ?? false },
  );
}
