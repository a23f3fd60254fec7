/**
 * Sending the boot report: wait (systemd, delay), gather the facts, compose,
 * hand to the MUA. What `palhm boot-report` runs.
 */
import type { ResolvedBootReport } from "../config/resolved.ts";
import { PalhmError, TaskError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { composeBootReport } from "./compose.ts";
import { gatherFacts } from "./facts.ts";
import { makeMua } from "./mua/index.ts";
import type { MailMessage } from "./types.ts";
import { delay, interruption, waitForSystemd } from "./wait.ts";

export interface SendOptions {
  readonly log: Logger;
  readonly signal: AbortSignal;
}

export async function sendBootReport(report: ResolvedBootReport, options: SendOptions): Promise<MailMessage> {
  const { log, signal } = options;
  const systemState = report.bootWait === "systemd" ? await waitForSystemd({ log, signal }) : undefined;
  if (report.delay > 0) log.info(`boot report: waiting ${report.delay} s before sending`);
  await delay(report.delay, signal);
  const facts = await gatherFacts(report, { log, systemState });
  const message = composeBootReport(report, facts);
  const mua = makeMua(report.mua);
  const name = mua.type ?? "custom";
  try {
    await mua.send(message, { log, signal });
  } catch (e) {
    if (signal.aborted) throw interruption(signal);
    if (e instanceof PalhmError) throw e;
    // A custom MUA's own error: still a failed send, not a palhm bug.
    throw new TaskError(`boot report: the ${name} MUA failed: ${(e as Error)?.message ?? e}`, { cause: e });
  }
  log.info(`boot report sent by ${name} to ${message.to.join(", ")}`);
  return message;
}
