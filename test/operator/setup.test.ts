/**
 * README's two commands are the whole set-up of a fresh Debian machine:
 * `./setup.sh run` must install every package whose programs the repository's
 * own `backup` task runs, and `.ci/run` must run the README's test command.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
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

/**
 * setup.sh on a machine this one cannot become (nothing installed): run with
 * stand-ins for dpkg-query, apt-get, npm and bun first in PATH, which record
 * how they were called and say which packages and which Bun are "installed".
 */
describe("./setup.sh on a fresh machine (stand-in package tools)", () => {
  function fakeHost(installed: string[], bunVersion: string | null, user?: "with sudo", shadowingBun?: string) {
    const dir = mkdtempSync(join(tmpdir(), "palhm-setup-"));
    const bin = join(dir, "bin");
    mkdirSync(bin);
    const log = join(dir, "calls");
    writeFileSync(join(dir, "installed"), installed.join("\n") + "\n");
    const tool = (name: string, body: string) => writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    tool("dpkg-query", `for p; do :; done; grep -qx "$p" ${dir}/installed && printf 'install ok installed' || exit 1`);
    tool("apt-get", `echo "apt-get $* | stdin $(cat | wc -c) | $DEBIAN_FRONTEND" >> ${log}`);
    const bun = (version: string) => `#!/bin/sh\n[ "$1" = --version ] && echo ${version} && exit 0; echo "bun $*" >> ${log}\n`;
    // As `npm install -g bun@V` does: a bun V appears on PATH.
    tool("npm", `echo "npm $*" >> ${log}; printf '%s' '${bun("1.4.5")}' > ${bin}/bun; chmod 755 ${bin}/bun`);
    if (bunVersion) writeFileSync(join(bin, "bun"), bun(bunVersion), { mode: 0o755 });
    // Nothing else on PATH (this host's real bun and npm must not be found): only the utilities sh scripts use.
    for (const util of ["sed", "grep", "cat", "wc", "id", "dirname", "env", "chmod"]) symlinkSync(Bun.which(util)!, join(bin, util));
    if (user) {
      rmSync(join(bin, "id"));
      tool("id", "echo 1000");
      tool("sudo", `echo "sudo $1" >> ${log}; exec "$@"`);
    }
    const run = (...args: string[]) => {
      // Another Bun earlier in PATH than where npm puts its own (e.g. ~/.bun/bin).
      const first = join(dir, "first");
      if (shadowingBun && !existsSync(first)) {
        mkdirSync(first);
        writeFileSync(join(first, "bun"), bun(shadowingBun), { mode: 0o755 });
      }
      const path = shadowingBun ? `${first}:${bin}` : bin;
      const r = Bun.spawnSync(["/bin/sh", join(REPO, "setup.sh"), ...args], { env: { PATH: path, CI: "true" }, stdin: "ignore", stderr: "pipe" });
      const calls = existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : [];
      return { status: r.exitCode, stderr: r.stderr.toString(), calls };
    };
    return { run, dispose: () => rmSync(dir, { recursive: true, force: true }) };
  }

  test("nothing installed: apt-get update, then install of exactly what is missing, non-interactive without stdin; Bun through npm; then the dependencies", () => {
    const host = fakeHost([], null);
    try {
      const r = host.run("run");
      expect(r.status).toBe(0);
      expect(r.calls).toEqual([
        "apt-get update -qq | stdin 0 | noninteractive",
        `apt-get install -y -qq --no-install-recommends ${packages("run").join(" ")} | stdin 0 | noninteractive`,
        "npm install -g --no-fund --no-audit bun@1.4.5",
        "bun install --frozen-lockfile",
      ]);
    } finally {
      host.dispose();
    }
  });

  test("the test profile installs every listed package that is missing, and nothing that is there", () => {
    const all = packages("test");
    const host = fakeHost(all.filter((_, i) => i % 2 === 0), "1.4.5");
    try {
      const r = host.run();
      expect(r.status).toBe(0);
      expect(r.calls[1]).toBe(`apt-get install -y -qq --no-install-recommends ${all.filter((_, i) => i % 2 === 1).join(" ")} | stdin 0 | noninteractive`);
      expect(r.calls.at(-1)).toBe("bun install --frozen-lockfile");
      expect(r.calls.some((c) => c.startsWith("npm"))).toBe(false);
    } finally {
      host.dispose();
    }
  });

  test("another Bun version: Bun 1.4.5 through npm", () => {
    const host = fakeHost(packages("test"), "1.3.0");
    try {
      const r = host.run();
      expect(r.status).toBe(0);
      expect(r.calls).toEqual(["npm install -g --no-fund --no-audit bun@1.4.5", "bun install --frozen-lockfile"]);
    } finally {
      host.dispose();
    }
  });

  test("everything present: no apt-get, no npm, only the (quick) dependency check", () => {
    const host = fakeHost(packages("test"), "1.4.5");
    try {
      const r = host.run();
      expect(r.status).toBe(0);
      expect(r.calls).toEqual(["bun install --frozen-lockfile"]);
    } finally {
      host.dispose();
    }
  });

  test("a user with sudo: apt-get and the global npm install run through sudo, the dependencies as the user", () => {
    const host = fakeHost([], null, "with sudo");
    try {
      const r = host.run("run");
      expect(r.status).toBe(0);
      expect(r.calls).toEqual([
        "sudo env",
        "apt-get update -qq | stdin 0 | noninteractive",
        "sudo env",
        `apt-get install -y -qq --no-install-recommends ${packages("run").join(" ")} | stdin 0 | noninteractive`,
        "sudo npm",
        "npm install -g --no-fund --no-audit bun@1.4.5",
        "bun install --frozen-lockfile",
      ]);
    } finally {
      host.dispose();
    }
  });

  test("a Bun of another version still first in PATH after npm installed 1.4.5: stop, saying which bun and what to do, before using it", () => {
    const host = fakeHost(packages("test"), null, undefined, "1.3.0");
    try {
      const r = host.run();
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("is 1.3.0: put npm's global bin directory first in PATH");
      expect(r.calls).toEqual(["npm install -g --no-fund --no-audit bun@1.4.5"]);
    } finally {
      host.dispose();
    }
  });

  test("an unknown profile is refused", () => {
    const host = fakeHost([], "1.4.5");
    try {
      const r = host.run("everything");
      expect(r.status).toBe(2);
      expect(r.stderr).toContain("usage: ./setup.sh [run | test]");
      expect(r.calls).toEqual([]);
    } finally {
      host.dispose();
    }
  });
});
