/**
 * Example: a check task that fails when DNSSEC resolution stops working.
 * `dig +dnssec` prints nothing when the answer cannot be validated, and
 * `grep .` fails on empty input, so an empty answer fails the task; the null
 * backend discards the output, only the exit codes matter.
 *
 *   bun palhm -f config/dnssec-check.ts run check-dnssec
 *
 * Needs `dig` (Debian: bind9-dnsutils; Fedora: bind-utils).
 */
import { defineConfig } from "palhm";
import core from "./core.ts";

export default defineConfig({
  include: [core],
  tasks: {
    "check-dnssec": {
      type: "backup",
      backend: { type: "null" },
      objects: [
        {
          path: "dnssec-answer",
          pipeline: [{ exec: "dig-dnssec", argv: ["ANY", "example.com"] }, "grep-any"],
        },
      ],
    },
  },
});
