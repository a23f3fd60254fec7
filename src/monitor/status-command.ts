/** `palhm status`: reads the status records and prints the check; every failure is UNKNOWN (exit 3), as a monitoring plugin must. */
import type { ResolvedConfig } from "../config/resolved.ts";
import { hostname } from "node:os";
import { PalhmError } from "../errors.ts";
import { procStart } from "../run/lock.ts";
import { toJson } from "../ui/report.ts";
import { CODE_NAMES, UNKNOWN, checkTask, formatChecks, type TaskCheck } from "./check.ts";
import { readAllRecords, readRecord, type StatusRecord } from "./record.ts";

export async function statusCommand(load: () => Promise<ResolvedConfig>, wanted: readonly string[], json: boolean, now = new Date()): Promise<number> {
  let config: ResolvedConfig;
  try {
    config = await load();
  } catch (e) {
    if (!(e instanceof PalhmError)) throw e;
    return _unknown(`${e.message}`, json);
  }
  const m = config.monitoring!;
  const unknownIds = wanted.filter((id) => !config.tasks.has(id));
  if (unknownIds.length) return _unknown(`unknown task ${unknownIds.map((id) => `"${id}"`).join(", ")} (known: ${[...config.tasks.keys()].join(", ") || "none"})`, json);

  const recorded = readAllRecords(m.statusDir);
  const ids = wanted.length
    ? [...new Set(wanted)]
    : [...config.tasks.keys()].filter((id) => recorded.has(id) || _hasThresholds(config, id));
  if (!ids.length) return _unknown(`no task has status thresholds or a status record in ${m.statusDir}`, json);

  const checks: TaskCheck[] = ids.map((id) => {
    let record: StatusRecord | null = null;
    let unreadable: string | undefined;
    try {
      record = readRecord(m.statusDir, id);
    } catch (e) {
      unreadable = (e as Error).message;
    }
    return checkTask(id, record, m.tasks.get(id)!.status, now, unreadable, record !== null && _ownerGone(record));
  });
  const { code, text } = formatChecks(checks);
  process.stdout.write(json ? toJson({ status: CODE_NAMES[code], code, statusDir: m.statusDir, tasks: checks }) : text + "\n");
  return code;
}

/** A "running" record of this host whose process is gone, or whose pid is another process now. */
function _ownerGone(r: StatusRecord): boolean {
  if (r.outcome !== "running" || r.host !== hostname()) return false;
  const now = procStart(r.pid);
  return now === null || (r.procStart !== undefined && now !== r.procStart);
}

function _hasThresholds(config: ResolvedConfig, id: string): boolean {
  const t = config.monitoring!.tasks.get(id)!.status;
  return t.warnAfterMs !== null || t.critAfterMs !== null;
}

function _unknown(why: string, json: boolean): number {
  process.stdout.write(json ? toJson({ status: "UNKNOWN", code: UNKNOWN, error: why }) : `PALHM UNKNOWN - ${why}\n`);
  return UNKNOWN;
}
