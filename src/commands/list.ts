import { defineCommand } from "citty";
import { TaskError } from "../errors.ts";

// Placeholder until its issue lands: refuses to pretend.
export default defineCommand({
  meta: { name: "list", description: "(not yet available)" },
  run() {
    throw new TaskError("palhm list is not available yet");
  },
});
