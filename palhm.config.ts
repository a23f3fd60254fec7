/**
 * This repository's own palhm config: a working example that runs on a fresh
 * machine. `bun palhm run backup` backs up this host's metadata and the
 * repository's `config/` directory (the package list with dpkg-query: on
 * an rpm host, use "rpm-list-installed" instead), each through zstd, into `./backups/`
 * (next to this file), keeping the 3 newest copies.
 *
 *   bun palhm run backup            # make a copy
 *   bun palhm run --dry-run backup  # show what it would do
 *   bun palhm list backup           # the copies
 *   bun palhm run                   # the `default` routine
 */
import { defineConfig } from "palhm";
import core from "./config/core.ts";

const here = import.meta.dir;

export default defineConfig({
  include: [core],
  execs: {
    /** lsblk sees no devices in some containers and says so with a non-zero code: an empty list is still a valid answer. */
    "lsblk-lenient": { argv: ["lsblk", "-JbOa"], ec: ">=0", vlStderr: 4 },
  },
  tasks: {
    backup: {
      type: "backup",
      backend: { type: "localfs", root: `${here}/backups`, nbCopyLimit: 3 },
      objectGroups: [{ id: "meta" }, { id: "files", depends: ["meta"] }],
      objects: [
        { path: "meta/os-release.zst", group: "meta", pipeline: ["os-release", "filter-zstd-parallel"] },
        { path: "meta/packages.zst", group: "meta", pipeline: ["dpkg-list-installed", "filter-zstd-parallel"] },
        { path: "meta/lsblk.json.zst", group: "meta", pipeline: ["lsblk-lenient", "filter-zstd-parallel"] },
        {
          path: "config.tar.zst",
          group: "files",
          pipeline: [{ exec: "tar", argv: ["-C", here, "config"] }, "filter-zstd-parallel"],
          restore: [{ argv: ["zstd", "-d"] }, { argv: ["tar", "-xf", "-"] }],
        },
      ],
    },
    default: {
      type: "routine",
      steps: [
        "os-release",
        { task: "backup" },
        async function summary(ctx) {
          const n = (await ctx.$`ls -1 ${here}/backups`).stdout.split("\n").filter(Boolean).length;
          ctx.log.info(`${n} copies in ${here}/backups`);
        },
      ],
    },
  },
});
