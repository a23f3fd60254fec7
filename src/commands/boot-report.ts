import { defineCommand } from "citty";
import { ConfigError } from "../errors.ts";
import { log } from "../log.ts";
import { loadResolvedConfig } from "./_context.ts";

export default defineCommand({
  meta: {
    name: "boot-report",
    description: "Send the boot report (config `bootReport`): run it at boot so no reboot goes unnoticed",
  },
  args: {},
  async run() {
    const config = await loadResolvedConfig();
    if (!config.bootReport) {
      throw new ConfigError(
        `no boot report configured: add a \`bootReport: { mua, mailTo }\` section (read ${config.sources.join(", ") || "no file"})`,
        "bootReport",
      );
    }
    const { sendBootReport } = await import("../boot-report/send.ts");
    const { installInterrupts } = await import("../run/interrupt.ts");
    const interrupts = installInterrupts({ log });
    try {
      await sendBootReport(config.bootReport, { log, signal: interrupts.signal });
    } finally {
      interrupts.dispose();
    }
    return 0;
  },
});
