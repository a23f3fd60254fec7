/**
 * The last place palhm looks for its config, /etc/palhm/palhm.config.ts, seen
 * through the real CLI. The file is written into an overlay of /etc inside a
 * private mount namespace, so the host's /etc is never touched.
 */
import { describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { privateHostUnavailable, withEtcPalhm } from "../_support/private-host.ts";
import { useTempDirs } from "../_support/tmp.ts";

const project = useTempDirs();

/** Runs `palhm ARGS` in `cwd` with /etc/palhm/palhm.config.ts holding `config` (null: no /etc/palhm). */
const withSystemConfig = (dir: string, config: string | null, args: string[], cwd: string) =>
  withEtcPalhm(dir, config === null ? null : { "palhm.config.ts": config }, args, cwd);

const probe = privateHostUnavailable;

describe("config lookup: /etc/palhm/palhm.config.ts", () => {
  test.skipIf(probe !== null)(`loaded when there is no -f, no $PALHM_CONFIG and no ./palhm.config.ts${probe ? ` (skipped: ${probe})` : ""}`, async () => {
    const p = project();
    mkdirSync(p.path("cwd"));
    const r = await withSystemConfig(p.path("ns"), "export default { workers: 7 };\n", ["config", "--json"], p.path("cwd"));
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const shown = JSON.parse(r.stdout);
    expect(shown.workers).toBe(7);
    expect(shown.sources).toEqual(["/etc/palhm/palhm.config.ts"]);
  });

  test.skipIf(probe !== null)("./palhm.config.ts wins over it", async () => {
    const p = project();
    p.write({ "cwd/palhm.config.ts": "export default { workers: 3 };\n" });
    const r = await withSystemConfig(p.path("ns"), "export default { workers: 7 };\n", ["config", "--json"], p.path("cwd"));
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).workers).toBe(3);
  });

  test.skipIf(probe !== null)("with neither, the error names both places and exits 2", async () => {
    const p = project();
    mkdirSync(p.path("cwd"));
    const r = await withSystemConfig(p.path("ns"), null, ["config"], p.path("cwd"));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(p.path("cwd/palhm.config.ts"));
    expect(r.stderr).toContain("/etc/palhm/palhm.config.ts");
  });
});
