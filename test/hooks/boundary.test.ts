/**
 * hooks.d is a root-privilege boundary, through the real CLI: every directory
 * from / down to a hook (and to a symlinked hook's target) must be trusted,
 * and a hook is opened and checked again right before it runs, so a file
 * swapped in during a run (the directory renamed and another planted, a
 * symlink re-pointed, the target replaced) never runs.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { finished as finish, startPalhm } from "../_support/cli.ts";
import { mkfifo, readFifo, writeFifo } from "../_support/process.ts";
import { recorder, sandbox, type Sandbox } from "./_fixture.ts";

let sb: Sandbox;
afterEach(() => sb?.cleanup());

/** A backup of one object into `root`; with `gate`, its pipeline says `ready` and waits for a line on `hold`. */
function project(gate?: { ready: string; hold: string }) {
  const root = join(sb.root, "backups");
  const file = join(sb.root, "palhm.config.ts");
  const script = gate ? `echo data; echo $$ > ${gate.ready}; read x < ${gate.hold}` : "echo data";
  writeFileSync(
    file,
    `export default {
  tasks: { backup: { type: "backup", backend: { type: "localfs", root: ${JSON.stringify(root)} },
    objects: [{ path: "o.txt", pipeline: [{ argv: ["sh", "-c", ${JSON.stringify(script)}] }] }] } },
};
`,
  );
  return { file, root };
}

function start(file: string) {
  return startPalhm(["-f", file, "run", "backup"], { env: { PALHM_HOOKS: sb.hooksDir, JOURNAL: sb.journal, PALHM_LOCK_DIR: join(sb.root, "locks") } });
}

/** A script that leaves proof it ran. */
function planted(marker: string): string {
  return `#!/bin/sh\necho "planted $1 $2" >> ${JSON.stringify(marker)}\n`;
}

function copies(root: string): string[] {
  return existsSync(root) ? readdirSync(root) : [];
}

/** Runs a backup whose pipeline waits; `swap` changes hooks.d meanwhile. */
async function raced(swap: () => void) {
  const gate = { ready: mkfifo(join(sb.root, "ready")), hold: mkfifo(join(sb.root, "hold")) };
  const { file, root } = project(gate);
  const proc = start(file);
  try {
    await readFifo(gate.ready);
    swap();
    await writeFifo(gate.hold);
    return { ...(await finish(proc)), root };
  } finally {
    proc.kill("SIGKILL");
  }
}

describe("every directory above a hook is checked, from / down", () => {
  test("a directory above hooks.d writable by others: refused before anything runs, naming it", async () => {
    sb = sandbox();
    sb.script("10-d", recorder("d"));
    const { file, root } = project();
    chmodSync(sb.root, 0o757);
    const r = await finish(start(file));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`refusing to run hooks: ${sb.root} is writable by others (mode 0757), above ${sb.hooksDir}`);
    expect(sb.lines()).toEqual([]);
    expect(copies(root)).toEqual([]);
  });

  test("a directory above a symlinked hook's target writable by group: refused, naming it", async () => {
    sb = sandbox();
    const shared = join(sb.root, "shared");
    mkdirSync(shared);
    chmodSync(shared, 0o775);
    const target = join(shared, "hook.sh");
    writeFileSync(target, recorder("d"));
    chmodSync(target, 0o755);
    symlinkSync(target, join(sb.hooksDir, "10-link"));
    const { file, root } = project();
    const r = await finish(start(file));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${shared} is writable by group (mode 0775)`);
    expect(sb.lines()).toEqual([]);
    expect(copies(root)).toEqual([]);
  });

  test("sticky world-writable directories above (like /tmp) are accepted: the hook runs", async () => {
    sb = sandbox();
    sb.script("10-d", recorder("d"));
    const { file } = project();
    chmodSync(sb.root, 0o1777);
    const r = await finish(start(file));
    expect(r.status).toBe(0);
    expect(sb.lines()).toEqual(["d backup pre", "d backup inspect", "d backup post", "d backup finally"]);
  });
});

describe("a hook swapped during the run never runs", () => {
  test("hooks.d renamed and another planted in its place: the run fails at the next state, the planted script never runs", async () => {
    sb = sandbox();
    sb.script("10-d", recorder("d"));
    const marker = join(sb.root, "planted-ran");
    const r = await raced(() => {
      renameSync(sb.hooksDir, `${sb.hooksDir}.old`);
      mkdirSync(sb.hooksDir, { mode: 0o755 });
      writeFileSync(join(sb.hooksDir, "10-d"), planted(marker));
      chmodSync(join(sb.hooksDir, "10-d"), 0o755);
    });
    expect(existsSync(marker)).toBe(false);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`refusing to run hooks: ${join(sb.hooksDir, "10-d")} is not the file that was checked: it was replaced during the run`);
    expect(r.stderr).not.toContain("internal error");
    expect(sb.lines()).toEqual(["d backup pre"]);
    expect(copies(r.root)).toEqual([]);
  });

  test("a hook's symlink re-pointed to another script: the checked target still runs, the new one never does", async () => {
    sb = sandbox();
    const good = join(sb.root, "good.sh");
    writeFileSync(good, recorder("d"));
    chmodSync(good, 0o755);
    const link = join(sb.hooksDir, "10-link");
    symlinkSync(good, link);
    const marker = join(sb.root, "planted-ran");
    const evil = join(sb.root, "evil.sh");
    const r = await raced(() => {
      writeFileSync(evil, planted(marker));
      chmodSync(evil, 0o755);
      unlinkSync(link);
      symlinkSync(evil, link);
    });
    expect(existsSync(marker)).toBe(false);
    expect(r.status).toBe(0);
    expect(sb.lines()).toEqual(["d backup pre", "d backup inspect", "d backup post", "d backup finally"]);
  });

  test("a symlinked hook's target replaced by another file: refused, the replacement never runs", async () => {
    sb = sandbox();
    const target = join(sb.root, "hook.sh");
    writeFileSync(target, recorder("d"));
    chmodSync(target, 0o755);
    symlinkSync(target, join(sb.hooksDir, "10-link"));
    const marker = join(sb.root, "planted-ran");
    const r = await raced(() => {
      const evil = join(sb.root, "evil.sh");
      writeFileSync(evil, planted(marker));
      chmodSync(evil, 0o755);
      renameSync(evil, target);
    });
    expect(existsSync(marker)).toBe(false);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("it was replaced during the run");
    expect(sb.lines()).toEqual(["d backup pre"]);
  });
});
