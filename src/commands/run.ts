import { defineCommand } from "citty";
import { withJsonFailure } from "../ui/report.ts";
import { loadResolvedConfig } from "./_context.ts";

export default defineCommand({
  meta: {
    name: "run",
    description:
      "Run a task (default: the task named \"default\"). Exit status: 0 done, 1 the task failed, 2 config error, 75 already running, 130/143 interrupted.",
  },
  args: {
    task: { type: "positional", required: false, description: "Task id", default: "default" },
    dryRun: { type: "boolean", description: "Print the plan (objects, order, pipelines, destinations) and run nothing" },
    json: { type: "boolean", description: "Print the result (or the error) as one JSON document on stdout" },
  },
  async run({ args }) {
    // PALHM runs the default task for `run ""` too, as crontabs built from a variable do.
    const task = args.task || "default";
    return withJsonFailure(args.json, task, async () => {
      const config = await loadResolvedConfig();
      const { executeRun } = await import("../run/execute.ts");
      return executeRun(config, { task, dryRun: args.dryRun, json: args.json });
    });
  },
});
