/**
 * The last place palhm looks for its config, /etc/palhm/palhm.config.ts, seen
 * through the real CLI. The file is written into an overlay of /etc inside a
 * private mount namespace, so the host's /etc is never touched.
 */
import { describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { CLI } from "../cli/_cli.ts";
import { useTempProjects } from "./_fixture.ts";

const project = useTempProjects();

/** Runs `palhm ARGS` in `cwd` with /etc/palhm/palhm.config.ts holding `config` (null: no such file). */
function withSystemConfig(dir: string, config: string | null, args: string[], cwd: string) {
  for (const d of ["upper", "work"]) mkdirSync(join(dir, d), { recursive: true });
  const write = config === null ? "rm -rf /etc/palhm" : `mkdir -p /etc/palhm && printf '%s' "$1" > /etc/palhm/palhm.config.ts`;
  const script = `mount -t overlay overlay -o lowerdir=/etc,upperdir=${dir}/upper,workdir=${dir}/work /etc && ${write} && cd "$2" && shift 2 && exec "$@"`;
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "PALHM_CONFIG")) as Record<string, string>;
  const r = Bun.spawnSync(["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", config ?? "", cwd, "bun", CLI, ...args], { env, stdout: "pipe", stderr: "pipe" });
  return { status: r.exitCode, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

const probe = (() => {
  const p = Bun.spawnSync(["unshare", "-m", "--propagation", "private", "true"], { stderr: "pipe" });
  return p.exitCode === 0 ? null : p.stderr.toString().trim() || "unshare failed";
})();

describe("config lookup: /etc/palhm/palhm.config.ts", () => {
  test.skipIf(probe !== null)(`loaded when there is no -f, no $PALHM_CONFIG and no ./palhm.config.ts${probe ? ` (skipped: ${probe})` : ""}`, () => {
    const p = project();
    mkdirSync(p.path("cwd"));
    const r = withSystemConfig(p.path("ns"), "export default { workers: 7 };\n", ["config", "--json"], p.path("cwd"));
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const shown = JSON.parse(r.stdout);
    expect(shown.workers).toBe(7);
    expect(shown.sources).toEqual(["/etc/palhm/palhm.config.ts"]);
  });

  test.skipIf(probe !== null)("./palhm.config.ts wins over it", () => {
    const p = project();
    p.write({ "cwd/palhm.config.ts": "export default { workers: 3 };\n" });
    const r = withSystemConfig(p.path("ns"), "export default { workers: 7 };\n", ["config", "--json"], p.path("cwd"));
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).workers).toBe(3);
  });

  test.skipIf(probe !== null)("with neither, the error names both places and exits 2", () => {
    const p = project();
    mkdirSync(p.path("cwd"));
    const r = withSystemConfig(p.path("ns"), null, ["config"], p.path("cwd"));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(p.path("cwd/palhm.config.ts"));
    expect(r.stderr).toContain("/etc/palhm/palhm.config.ts");
  });
});
