import { defineCommand } from "citty";
import { UsageError } from "../errors.ts";
import { commands } from "./_registry.ts";
import { usage } from "./_usage.ts";

export default defineCommand({
  meta: { name: "help", description: "Show usage, of palhm or of one command" },
  args: {
    command: { type: "positional", required: false, description: "The command to explain" },
  },
  async run({ args }) {
    const name = args.command as string | undefined;
    if (name !== undefined && !(name in commands)) {
      throw new UsageError(`unknown command "${name}" (commands: ${Object.keys(commands).join(", ")})`);
    }
    process.stdout.write((await usage(name, process.stdout)) + "\n");
    return 0;
  },
});
