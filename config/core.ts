/**
 * Commonly used execs, as PALHM's `conf.d/core.json` had them. Include this
 * config and use the ids in pipelines and routines:
 *
 *   import core from "./config/core.ts";
 *   export default defineConfig({ include: [core], tasks: { ... pipeline: ["tar", "filter-zstd-parallel"] ... } });
 *
 * Append arguments with `{ exec: "tar", argv: ["/etc"] }`.
 */
import { defineConfig } from "palhm";

export default defineConfig({
  execs: {
    /** tar of the paths appended, to stdout. Exit 1 ("some files differ", i.e. changed while read) is accepted. */
    tar: { argv: ["tar", "--xattrs", "--selinux", "--warning=none", "-cf", "-"], ec: "<2" },
    "filter-xz-parallel": { argv: ["xz", "-T0"] },
    "filter-gzip-plain": { argv: ["gzip"] },
    "filter-zstd-plain": { argv: ["zstd"] },
    "filter-zstd-parallel": { argv: ["zstd", "-T0"] },
    /** zstd at its default level, one thread per core. */
    zstd: { argv: ["zstd", "-q", "-T0"] },
    /** The decompressors, for restore pipelines: `restore: ["unzstd", { argv: ["mysql"] }]`. */
    unzstd: { argv: ["zstd", "-d", "-q"] },
    unxz: { argv: ["xz", "-d"] },
    gunzip: { argv: ["gzip", "-d"] },
    "rpm-list-installed": { argv: ["rpm", "-qa"] },
    "dnf-list-userinstalled": { argv: ["dnf", "repoquery", "--userinstalled"] },
    /** dnf's exit code here says nothing useful: any is accepted. */
    "dnf-group-list-installed": { argv: ["dnf", "group", "list", "--installed"], ec: ">=0" },
    "dpkg-list-installed": { argv: ["dpkg-query", "-l"] },
    "lsblk-all-json": { argv: ["lsblk", "-JbOa"] },
    "os-release": { argv: ["cat", "/etc/os-release"] },
    /** Append the query, e.g. `{ exec: "dig-dnssec", argv: ["ANY", "example.com"] }`. */
    "dig-dnssec": { argv: ["dig", "+short", "+dnssec", "+notcp"] },
    /** Fails (exit 1) when its input is empty: put it after a command whose empty output means failure. */
    "grep-any": { argv: ["grep", "."] },
    /** Reads its input to the end and discards it. */
    "null-stdout-sink": { argv: ["dd", "of=/dev/null", "bs=64K", "status=none"] },
  },
});
