import { defineCommand } from "citty";
import { loadResolvedConfig } from "./_context.ts";

export default defineCommand({
  meta: {
    name: "status",
    description:
      "Each task's last run and last success, judged against its status thresholds, as a Nagios/Icinga check. Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also for a config error).",
  },
  args: {
    tasks: { type: "positional", required: false, description: "Task ids (default: every task with thresholds or a status record)" },
    json: { type: "boolean", description: "Print one JSON document" },
  },
  async run({ args }) {
    const { statusCommand } = await import("../monitor/status-command.ts");
    return statusCommand(loadResolvedConfig, args._ as string[], args.json === true);
  },
});
