// expect: execs.tar: exec "tar" is defined twice: in
import { defineConfig } from "palhm";

export const core = defineConfig({ execs: { tar: { argv: ["tar", "-cf", "-"] } } });

export default defineConfig({
  include: [core],
  execs: { tar: { argv: ["tar", "--xattrs", "-cf", "-"] } },
  tasks: {
    backup: {
      type: "backup",
      backend: { type: "localfs", root: "@ROOT@" },
      objects: [{ path: "etc.tar", pipeline: [{ exec: "tar", argv: ["/etc/hostname"] }] }],
    },
  },
});
