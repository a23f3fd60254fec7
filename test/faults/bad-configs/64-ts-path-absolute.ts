// expect: tasks.backup.objects[0].path: an object path must be relative to the copy
import { defineConfig } from "palhm";

export default defineConfig({
  tasks: {
    backup: {
      type: "backup",
      backend: { type: "localfs", root: "@ROOT@" },
      objects: [{ path: "/etc/cron.d/evil", pipeline: [{ argv: ["printf", "x"] }] }],
    },
  },
});
