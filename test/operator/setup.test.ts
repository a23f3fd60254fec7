/**
 * README's two commands are the whole set-up of a fresh Debian machine:
 * `./setup.sh run` must install every package whose programs the repository's
 * own `backup` task runs, and `.ci/run` must run the README's test command.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync, realpathSync } from "node:fs";
import { resolve } from "node:path";
import { programUses, resolveProgram } from "../../src/check/programs.ts";
import { loadConfig } from "../../src/config/load.ts";

const REPO = resolve(import.meta.dir, "../..");

/** The lines of .ci/debian-packages `./setup.sh PROFILE` installs. */
function packages(profile: "run" | "test"): string[] {
  const text = readFileSync(resolve(REPO, ".ci/debian-packages"), "utf8");
  const lines = profile === "run" ? text.slice(0, text.search(/^# tests:/m)) : text;
  return lines.split("\n").map((l) => l.replace(/#.*/, "").trim()).filter(Boolean);
}

/** The Debian package owning `file` (registered under /bin or /usr/bin: merged /usr), and whether it is Essential. */
function owner(file: string): { name: string; essential: boolean } {
  let search = Bun.spawnSync(["dpkg-query", "-S", file]);
  if (search.exitCode !== 0) search = Bun.spawnSync(["dpkg-query", "-S", file.replace(/^\/usr\//, "/")]);
  const name = search.stdout.toString().split(":")[0]!.split(",")[0]!.trim();
  const essential = Bun.spawnSync(["dpkg-query", "-W", "-f=${Essential}", name]).stdout.toString() === "yes";
  return { name, essential };
}

/** The README's `sh` code blocks, in order. */
function readmeCommands(): string[] {
  return [...readFileSync(resolve(REPO, "README.md"), "utf8").matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!.trim());
}

describe("README's set-up", () => {
  test("the first command sets up with `./setup.sh run` and runs the backup task; the second sets up everything and runs the tests", () => {
    const [first, second] = readmeCommands();
    expect(first).toBe("./setup.sh run && bun palhm run backup");
    expect(second).toBe("./setup.sh && bun run test");
  });

  test("`./setup.sh run` installs the package of every program the repository's backup task runs (or it is Essential)", async () => {
    const config = await loadConfig({ file: resolve(REPO, "palhm.config.ts"), env: {} });
    const runs = programUses(config, "/usr/local/bin:/usr/bin:/bin").filter((u) => u.used && u.where.startsWith("tasks.backup."));
    expect(runs.length).toBeGreaterThan(3);
    const wanted = new Set(packages("run"));
    const loose = [];
    for (const u of runs) {
      const found = resolveProgram(u.program, u.path);
      if (!("file" in found)) throw new Error(`${u.where}: ${u.program} ${found.problem}`);
      const pkg = owner(realpathSync(found.file));
      if (!pkg.essential && !wanted.has(pkg.name)) loose.push(`${u.program} (${pkg.name})`);
    }
    expect(loose).toEqual([]);
    // setpriv (--pdeathsig) is palhm's own need.
    expect(wanted.has("util-linux")).toBe(true);
  });

  test("the test profile is a superset of the run profile and holds the tests' peers", () => {
    const all = packages("test");
    expect(all).toEqual(expect.arrayContaining([...packages("run"), "s-nail", "systemd"]));
  });

  test(".ci/run runs the README's second command, as written there", () => {
    const extract = Bun.spawnSync(["bash", "-c", `${readFileSync(resolve(REPO, ".ci/run"), "utf8").match(/^cmd=.*$/m)![0]}; printf %s "$cmd"`], { cwd: REPO });
    expect(extract.stdout.toString()).toBe(readmeCommands()[1]!);
  });
});
