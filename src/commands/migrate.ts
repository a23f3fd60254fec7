import { defineCommand } from "citty";
import { TaskError } from "../errors.ts";

// Placeholder until its issue lands: refuses to pretend.
export default defineCommand({
  meta: { name: "migrate", description: "(not yet available)" },
  run() {
    throw new TaskError("palhm migrate is not available yet");
  },
});
