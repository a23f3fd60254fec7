import { defineCommand } from "citty";
import { TaskError } from "../errors.ts";

// Placeholder until its issue lands: refuses to pretend.
export default defineCommand({
  meta: { name: "check", description: "(not yet available)" },
  run() {
    throw new TaskError("palhm check is not available yet");
  },
});
