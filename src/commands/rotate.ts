import { defineCommand } from "citty";
import { withJsonFailure } from "../ui/report.ts";
import { loadResolvedConfig } from "./_context.ts";

export default defineCommand({
  meta: {
    name: "rotate",
    description:
      "Apply a backup task's rotation now (keep rules, nbCopyLimit, rootSizeLimit), the newest copy counting as the new one; with --dry-run, show every copy with keep/remove and the rule that decided it, and remove nothing.",
  },
  args: {
    task: { type: "positional", required: true, description: "Backup task id" },
    dryRun: { type: "boolean", description: "Show the plan, remove nothing" },
    json: { type: "boolean", description: "Print one JSON document" },
  },
  run({ args }) {
    return withJsonFailure(args.json, args.task, async () => {
      const config = await loadResolvedConfig();
      const { rotateCommand } = await import("../backup/rotate-command.ts");
      return rotateCommand(config, args.task, { dryRun: args.dryRun === true, json: args.json === true });
    });
  },
});
