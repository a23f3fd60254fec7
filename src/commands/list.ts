import { defineCommand } from "citty";
import { withJsonFailure } from "../ui/report.ts";
import { loadResolvedConfig } from "./_context.ts";

export default defineCommand({
  meta: { name: "list", description: "List a backup task's copies, oldest first: prefix, state (complete, incomplete, legacy, damaged), objects, size" },
  args: {
    task: { type: "positional", required: true, description: "Backup task id" },
    json: { type: "boolean", description: "Print one JSON document" },
  },
  run({ args }) {
    return withJsonFailure(args.json, args.task, async () => {
      const config = await loadResolvedConfig();
      const { openTaskSession, interruptedOr } = await import("../restore/session.ts");
      const { listCopies, formatListing, listingJson } = await import("../restore/list.ts");
      const session = await openTaskSession(config, args.task);
      try {
        let copies = await listCopies(session.copies);
        if (config.tasks.get(args.task)?.type === "backup") {
          const { replicasOf } = await import("../replicate/where.ts");
          const where = await replicasOf(config, args.task, session.ctx.log, session.ctx.signal);
          copies = copies.map((c) => ({ ...c, replicas: where.get(c.prefix) ?? [] }));
        }
        if (args.json) {
          process.stdout.write(JSON.stringify({ ok: true, ...(listingJson(session.task.id, session.copies.describe(), copies) as object) }, null, 2) + "\n");
        } else if (copies.length) {
          process.stdout.write(formatListing(copies) + "\n");
        } else {
          session.ctx.log.info(`task ${session.task.id} has no copies in ${session.copies.describe()}`);
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
