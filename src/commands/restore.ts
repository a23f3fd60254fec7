import { defineCommand } from "citty";
import { resolve } from "node:path";
import { UsageError } from "../errors.ts";
import { toJson, withJsonFailure } from "../ui/report.ts";
import { loadResolvedConfig } from "./_context.ts";

/** citty keeps only the last value of a repeated option: `--object` is read from the raw arguments. */
function _repeated(rawArgs: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const a = rawArgs[i]!;
    if (a === "--") break;
    if (a === `--${name}`) {
      const v = rawArgs[++i];
      if (v === undefined) throw new UsageError(`--${name} needs a value`);
      values.push(v);
    } else if (a.startsWith(`--${name}=`)) values.push(a.slice(name.length + 3));
  }
  return values;
}

export default defineCommand({
  meta: {
    name: "restore",
    description:
      "Restore a copy (default: the latest complete one) through each object's restore pipeline, or as files under --to DIR; every object is checked against the manifest (size, SHA-256) before it is applied",
  },
  args: {
    task: { type: "positional", required: true, description: "Backup task id" },
    copy: { type: "string", description: "Prefix of the copy to restore (a legacy copy only this way)", valueHint: "PREFIX" },
    object: { type: "string", description: "Object path to restore (repeatable; default: every object of the copy)", valueHint: "PATH" },
    to: { type: "string", description: "Write the objects as files under DIR instead of running restore pipelines", valueHint: "DIR" },
    force: { type: "boolean", description: "With --to: replace existing files" },
    identity: { type: "string", description: "Private key file for restore pipelines that decrypt (age's {identity}; default $PALHM_IDENTITY or the config's)", valueHint: "FILE" },
    staging: { type: "string", description: "Where objects of a remote backend are staged and verified before a pipeline consumes them (default: $TMPDIR)", valueHint: "DIR" },
    stream: { type: "boolean", description: "Apply each object as it is read, checking it on the way, instead of checking every object first: one read and no staging space, but a damaged object is found after (part of) it was applied" },
    thaw: { type: "string", description: "Ask the store to thaw the copy's archived objects (S3 GLACIER, DEEP_ARCHIVE), readable for DAYS days; exits 75 saying when to come back until they can be read", valueHint: "DAYS" },
    json: { type: "boolean", description: "Print the result as one JSON document" },
  },
  async run({ args, rawArgs }) {
    if (args.force && args.to === undefined) throw new UsageError("--force only applies with --to DIR");
    if (args.to === "") throw new UsageError("--to needs a DIR");
    if (args.identity !== undefined && args.to !== undefined) throw new UsageError("--identity applies to restore pipelines, not to --to DIR (the objects are written as they are stored)");
    if (args.identity === "") throw new UsageError("--identity needs a FILE");
    if (args.stream && args.to !== undefined) throw new UsageError("--stream applies to restore pipelines, not to --to DIR (files are checked before they are put in place)");
    if (args.thaw !== undefined && !/^[1-9]\d{0,4}$/.test(args.thaw)) throw new UsageError(`--thaw needs a number of days (1-99999), got "${args.thaw}"`);
    const objects = _repeated(rawArgs, "object");
    return withJsonFailure(args.json, args.task, async () => {
      const config = await loadResolvedConfig();
      const { openTaskSession, interruptedOr } = await import("../restore/session.ts");
      const { runRestore } = await import("../restore/restore.ts");
      const session = await openTaskSession(config, args.task, { lock: true });
      try {
        const result = await runRestore({ ...session.ctx, json: args.json }, session.task, session.copies, {
          copy: args.copy,
          objects,
          to: args.to === undefined ? undefined : resolve(args.to),
          force: args.force === true,
          staging: args.staging,
          identity: args.identity === undefined ? undefined : resolve(args.identity),
          thaw: args.thaw === undefined ? undefined : Number(args.thaw),
          stream: args.stream === true,
        });
        if (args.json) process.stdout.write(toJson({ ok: true, ...result }));
        const how = result.to ? `into ${result.to}` : "through the restore pipelines";
        const check = result.verified ? "verified against the manifest" : "NOT verified (legacy copy)";
        session.ctx.log.success(`restored ${result.objects.length} object(s) of copy ${result.prefix} ${how}, ${check}`);
        return 0;
      } catch (e) {
        throw interruptedOr(session.ctx, e);
      } finally {
        await session.close();
      }
    });
  },
});
