/**
 * Drives `sendBootReport` in a child process, as `palhm boot-report` does:
 * the resolved report comes as JSON in argv[2]; errors are printed and mapped
 * to exit statuses by the CLI's own reportError.
 */
import { sendBootReport } from "../../../src/boot-report/send.ts";
import { reportError } from "../../../src/cli.ts";
import { log } from "../../../src/log.ts";

try {
  await sendBootReport(JSON.parse(process.argv[2]!), { log, signal: new AbortController().signal });
  process.exit(0);
} catch (e) {
  process.exit(await reportError(e));
}
