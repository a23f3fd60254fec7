import { defineCommand } from "citty";
import { VerifyError } from "../errors.ts";
import { withJsonFailure } from "../ui/report.ts";
import { loadResolvedConfig } from "./_context.ts";

export default defineCommand({
  meta: {
    name: "verify",
    description: "Re-read copies and check every object against the manifest (size, SHA-256); report missing and unexpected objects",
  },
  args: {
    task: { type: "positional", required: true, description: "Backup task id" },
    copy: { type: "string", description: "Prefix of the copy to check (default: the latest complete copy)", valueHint: "PREFIX" },
    all: { type: "boolean", description: "Check every copy" },
    json: { type: "boolean", description: "Print one JSON document" },
  },
  run({ args }) {
    return withJsonFailure(args.json, args.task, async () => {
      const config = await loadResolvedConfig();
      const { openTaskSession, interruptedOr } = await import("../restore/session.ts");
      const { verifyTask, formatVerdict, describeProblems } = await import("../restore/verify.ts");
      const session = await openTaskSession(config, args.task);
      try {
        const verdicts = await verifyTask(session.task.id, session.copies, { copy: args.copy, all: args.all, signal: session.ctx.signal });
        // A copy named with --copy that cannot be verified (legacy) is a failure; with --all it is only reported. A damaged one always fails.
        const failed = verdicts.filter((v) => v.state === "damaged" || (v.verified ? !v.ok : !args.all));
        if (args.json) {
          process.stdout.write(JSON.stringify({ task: session.task.id, ok: failed.length === 0, copies: verdicts }, null, 2) + "\n");
          return failed.length ? 1 : 0;
        }
        for (const v of verdicts) process.stdout.write(formatVerdict(v) + "\n");
        if (!verdicts.length) session.ctx.log.info(`task ${session.task.id} has no copies in ${session.copies.describe()}`);
        if (failed.length) {
          const problems = failed.flatMap((v) =>
            v.verified ? describeProblems(v) : v.state === "damaged" ? [`${v.prefix}: damaged: ${v.problem}`] : [`${v.prefix}: a ${v.state} copy has no manifest to verify against`],
          );
          throw new VerifyError(`verification failed: ${problems.join("; ")}`);
        }
        return 0;
      } catch (e) {
        throw interruptedOr(session.ctx, e);
      } finally {
        await session.close();
      }
    });
  },
});
