/**
 * palhm's config for this host, written by `palhm init` (a starter: change
 * what it backs up and where).
 *
 *   palhm check                   # every program, hook and schedule valid?
 *   palhm run --dry-run backup    # what a run would do
 *   palhm run backup              # make a copy now
 *   palhm schedule install        # a systemd timer for every task with a `schedule`
 *   palhm status                  # last runs and the age of the newest copies
 *
 * tsconfig.json and .palhm/types/ (also written by `palhm init`) give an
 * editor completion here, and `tsc --noEmit` checks this file: an exec id a
 * pipeline names but no config defines is an error.
 */
import { defineConfig } from "palhm";
import { files, zstd } from "palhm/recipes";

export default defineConfig({
  execs: {
    zstd: { argv: ["zstd", "-T0"] },
    "os-release": { argv: ["cat", "/etc/os-release"] },
    /** The package list (Debian, Ubuntu); on an rpm host: ["rpm", "-qa"]. */
    packages: { argv: ["dpkg-query", "-l"] },
  },
  tasks: {
    backup: {
      type: "backup",
      // systemd calendar syntax (systemd.time(7)): "daily", "*-*-* 03:30", "Mon..Fri 22:00".
      schedule: "*-*-* 03:30",
      // Copies in a local directory, the 7 newest kept. Off the host instead:
      // { type: "aws-s3", bucket: "my-backups", root: "hosts/web1", nbCopyLimit: 30 }
      backend: { type: "localfs", root: "/var/backups/palhm", nbCopyLimit: 7 },
      objects: [
        { path: "os-release", pipeline: ["os-release"] },
        { path: "packages.zst", pipeline: ["packages", "zstd"] },
        // A recipe (palhm/recipes: files, mysql, postgres, sqlite; zstd, xz, age, gpg): the pipeline and its
        // restore pipeline. `palhm restore backup --object etc.tar.zst` extracts it back into /;
        // `--to DIR` writes the file instead.
        files({ path: "etc.tar", paths: ["/etc"], through: [zstd()] }), // stored as etc.tar.zst
      ],
    },
  },
  // A mail to the admins when this host boots (palhm-boot-report.service):
  // bootReport: { mua: "mailx", mailTo: ["root"] },
});
