// task: maint
// expect: tasks.maint.steps[1].argv: argv is empty
import { defineConfig } from "palhm";

export default defineConfig({
  tasks: {
    maint: { type: "routine", steps: [{ argv: ["true"] }, { argv: [] }] },
  },
});
