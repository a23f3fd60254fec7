import { defineCommand } from "citty";
import { TaskError } from "../errors.ts";

// Placeholder until its issue lands: refuses to pretend.
export default defineCommand({
  meta: { name: "restore", description: "(not yet available)" },
  run() {
    throw new TaskError("palhm restore is not available yet");
  },
});
