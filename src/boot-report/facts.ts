/**
 * Gathers the facts a boot report states about the host. Effects only; the
 * report itself is composed from these by compose.ts. A fact that cannot be
 * read is reported as `null` with a warning: a boot report must still go out.
 */
import { hostname } from "node:os";
import type { ResolvedBootReport } from "../config/resolved.ts";
import type { Logger } from "../log.ts";
import type { BootFacts } from "./compose.ts";

export const BOOT_ID_FILE = "/proc/sys/kernel/random/boot_id";

type Switches = Pick<ResolvedBootReport, "uptimeSince" | "uptime" | "bootId">;

export async function gatherFacts(
  switches: Switches,
  ctx: { readonly log: Logger; readonly systemState?: string | null },
): Promise<BootFacts> {
  const [uptimeSince, uptime, bootId, tz] = await Promise.all([
    switches.uptimeSince ? _run(["uptime", "--since"], ctx.log) : undefined,
    switches.uptime ? _run(["uptime", "-p"], ctx.log) : undefined,
    switches.bootId ? _readTrimmed(BOOT_ID_FILE, ctx.log) : undefined,
    timeZone(),
  ]);
  return {
    hostname: hostname(),
    tz,
    ...(uptimeSince !== undefined && { uptimeSince }),
    ...(uptime !== undefined && { uptime }),
    ...(bootId !== undefined && { bootId }),
    ...(ctx.systemState !== undefined && { systemState: ctx.systemState }),
  };
}

/** The IANA zone name: $TZ or the system's, as the runtime resolves it; /etc/timezone when the runtime cannot tell. */
export async function timeZone(): Promise<string> {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone) return zone;
  return (await Bun.file("/etc/timezone").text().catch(() => "")).trim() || "UTC";
}

async function _run(argv: string[], log: Logger): Promise<string | null> {
  try {
    const proc = Bun.spawn(argv, { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    if (code === 0) return out.trim();
    log.warn(`boot report: \`${argv.join(" ")}\` exited with ${code}${err.trim() ? `: ${err.trim()}` : ""}`);
  } catch (e) {
    log.warn(`boot report: cannot run \`${argv.join(" ")}\`: ${(e as Error).message}`);
  }
  return null;
}

async function _readTrimmed(path: string, log: Logger): Promise<string | null> {
  try {
    return (await Bun.file(path).text()).trim();
  } catch (e) {
    log.warn(`boot report: cannot read ${path}: ${(e as Error).message}`);
    return null;
  }
}
