import { defineCommand } from "citty";
import { loadResolvedConfig } from "./_context.ts";
import { checkPrograms } from "../check/programs.ts";
import { TaskError } from "../errors.ts";
import { log } from "../log.ts";

export default defineCommand({
  meta: {
    name: "check",
    description: "Validate the config and check that every program, hook and MUA it names exists and is executable, and that every schedule is a valid systemd calendar expression",
  },
  args: {},
  async run() {
    const config = await loadResolvedConfig();
    const found = checkPrograms(config);
    // A library exec no task runs (the rpm, dnf and dig execs of config/core.ts on a Debian host) is no problem: a note at -v.
    const unused = found.filter((p) => !p.used);
    if (unused.length) log.debug(`not installed here, but no task uses them: ${unused.map((p) => `${p.where} ("${p.program}" ${p.problem})`).join(", ")}`);
    const problems: string[] = found.filter((p) => p.used).map((p) => `${p.where}: "${p.program}" ${p.problem}`);
    const { scheduledTasks } = await import("../schedule/plan.ts");
    const { analyzeCalendar } = await import("../schedule/calendar.ts");
    for (const t of scheduledTasks(config)) {
      const verdict = await analyzeCalendar(t.schedule);
      if (verdict && "problem" in verdict) problems.push(`tasks.${t.id}.schedule: ${verdict.problem}`);
    }
    const { sharedRoots } = await import("../check/shared-roots.ts");
    for (const shared of sharedRoots(config)) {
      log.warn(
        `tasks ${shared.tasks.map((t) => `"${t}"`).join(", ")} share the backend root ${shared.root}: each keeps, lists and rotates only its own copies, ` +
          "but legacy copies there (no manifest naming a task) count for every one of them; give each task its own root unless this is meant",
      );
    }
    const { scanHooksDir } = await import("../hooks/hooks-dir.ts");
    await scanHooksDir(config.hooksDir).catch((e: Error) => problems.push(`hooks: ${e.message}`));
    if (problems.length) {
      throw new TaskError(`check failed, ${problems.length} problem(s):\n  ${problems.join("\n  ")}`);
    }
    process.stdout.write(`config OK: ${config.sources.join(", ")}; ${config.tasks.size} task(s), every program a task runs found\n`);
  },
});
