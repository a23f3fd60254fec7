// Items 6, 7 and 9 of the PALHM drop-in: PALHM's command lines and config path, unchanged.
import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync } from "node:fs";
import { privateHostUnavailable, withEtcPalhm } from "../../_support/private-host.ts";
import { usePalhmProjects, type PalhmProject } from "./_project.ts";

const project = usePalhmProjects();

/** A PALHM config whose tasks leave a trace: the default one and another. */
function traced(p: PalhmProject, name = "palhm.conf"): string {
  const trace = JSON.stringify(p.path("trace"));
  return p.write({
    [name]: `{
  "tasks": [
    { "id": "default", "type": "routine", "routine": [ { "type": "exec-inline", "argv": [ "/bin/sh", "-c", "echo default >> \\"$0\\"", ${trace} ] } ] },
    { "id": "check-dnssec", "type": "routine", "routine": [ { "type": "exec-inline", "argv": [ "/bin/sh", "-c", "echo check-dnssec >> \\"$0\\"", ${trace} ] } ] }
  ]
}`,
  });
}
const trace = (p: PalhmProject) => readFileSync(p.path("trace"), "utf8");

describe("short options bundled as getopt takes them (crontabs have them)", () => {
  test.each([
    [["-qf", "palhm.conf", "run"], "default"],
    [["-qfpalhm.conf", "run", "check-dnssec"], "check-dnssec"],
    [["-vf", "palhm.conf", "run", "check-dnssec"], "check-dnssec"],
    [["-vvf", "palhm.conf", "run"], "default"],
    [["-fpalhm.conf", "-q", "run"], "default"],
  ])("palhm %j runs task %s", async (args, task) => {
    const p = project();
    traced(p);
    const r = await p.run(args);
    expect(r.status).toBe(0);
    expect(trace(p)).toBe(`${task}\n`);
    if (args[0]!.startsWith("-q")) expect(r.stderr).toBe("");
    if (args[0]!.startsWith("-v")) expect(r.stderr).toContain(`task ${task} done`);
  });

  test("-q with -v in one bundle is the same usage error as apart; an unknown letter is refused", async () => {
    const p = project();
    traced(p);
    const both = await p.run(["-qvf", "palhm.conf", "run"]);
    expect(both.status).toBe(2);
    expect(both.stderr).toStartWith("palhm: -q and -v cannot be used together");
    const unknown = await p.run(["-qx", "-f", "palhm.conf", "run"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toStartWith('palhm: unknown command "-qx"');
    const missing = await p.run(["run", "-qf"]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toStartWith("palhm: -qf needs a FILE");
  });
});

describe('run "" runs the default task, as in PALHM', () => {
  test("an empty task id is the default task", async () => {
    const p = project();
    traced(p);
    const r = await p.run(["-q", "-f", "palhm.conf", "run", ""]);
    expect(r).toEqual({ status: 0, stdout: "", stderr: "" });
    expect(trace(p)).toBe("default\n");
  });
});

const skip = privateHostUnavailable;
describe("without -f, PALHM's /etc/palhm/palhm.conf (then /etc/palhm/palhm.jsonc) is read after the TS locations", () => {
  /** PALHM's layout: palhm.conf including /etc/palhm/conf.d/core.json by its absolute path. */
  const etc = (p: PalhmProject) => ({
    "palhm.conf": `{
  "include": [ "/etc/palhm/conf.d/core.json" ],
  "tasks": [ { "id": "default", "type": "routine", "routine": [ { "type": "exec-append", "exec-id": "trace", "argv": [ "palhm.conf" ] } ] } ]
}`,
    "conf.d/core.json": `{ "execs": [ { "id": "trace", "argv": [ "/bin/sh", "-c", "echo \\"$1\\" >> \\"$0\\"", ${JSON.stringify(p.path("trace"))} ] } ] }`,
  });
  const env = (p: PalhmProject) => ({ PALHM_LOCK_DIR: p.path(".locks"), PALHM_HOOKS: p.path(".no-hooks") });

  test.skipIf(skip !== null)(`PALHM's crontab line runs it: palhm -q run${skip ? ` (skipped: ${skip})` : ""}`, async () => {
    const p = project();
    mkdirSync(p.path("cwd"));
    const r = await withEtcPalhm(p.path("ns"), etc(p), ["-q", "run"], p.path("cwd"), env(p));
    expect(r).toEqual({ status: 0, stdout: "", stderr: "" });
    expect(trace(p)).toBe("palhm.conf\n");
  });

  test.skipIf(skip !== null)("palhm config says which file was loaded", async () => {
    const p = project();
    mkdirSync(p.path("cwd"));
    const r = await withEtcPalhm(p.path("ns"), etc(p), ["config"], p.path("cwd"), env(p));
    expect(r.status).toBe(0);
    const shown = Bun.YAML.parse(r.stdout) as { file: string; sources: string[] };
    expect(shown.file).toBe("/etc/palhm/palhm.conf");
    expect(shown.sources).toEqual(["/etc/palhm/palhm.conf", "/etc/palhm/conf.d/core.json"]);
  });

  test.skipIf(skip !== null)("palhm.jsonc (the path PALHM's program has) when there is no palhm.conf", async () => {
    const p = project();
    mkdirSync(p.path("cwd"));
    const { "palhm.conf": conf, ...rest } = etc(p);
    const r = await withEtcPalhm(p.path("ns"), { ...rest, "palhm.jsonc": `// PALHM config\n${conf}` }, ["config", "--json"], p.path("cwd"), env(p));
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).file).toBe("/etc/palhm/palhm.jsonc");
  });

  test.skipIf(skip !== null)("a TS config still comes first: ./palhm.config.ts, then /etc/palhm/palhm.config.ts", async () => {
    const p = project();
    const files = { ...etc(p), "palhm.config.ts": "export default { workers: 7 };\n" };
    mkdirSync(p.path("cwd"));
    expect(JSON.parse((await withEtcPalhm(p.path("ns"), files, ["config", "--json"], p.path("cwd"), env(p))).stdout).file).toBe("/etc/palhm/palhm.config.ts");
    p.write({ "cwd/palhm.config.ts": "export default { workers: 3 };\n" });
    expect(JSON.parse((await withEtcPalhm(p.path("ns2"), files, ["config", "--json"], p.path("cwd"), env(p))).stdout).file).toBe(p.path("cwd/palhm.config.ts"));
  });

  test.skipIf(skip !== null)("with none of them, the error names every place looked at", async () => {
    const p = project();
    mkdirSync(p.path("cwd"));
    const r = await withEtcPalhm(p.path("ns"), null, ["run"], p.path("cwd"), env(p));
    expect(r.status).toBe(2);
    for (const f of [p.path("cwd/palhm.config.ts"), "/etc/palhm/palhm.config.ts", "/etc/palhm/palhm.conf", "/etc/palhm/palhm.jsonc"]) expect(r.stderr).toContain(f);
  });
});
