// Item 10 of the PALHM drop-in: under -q (cron), a child's stderr is held and printed only with the failure it explains.
import { describe, expect, test } from "bun:test";
import { usePalhmProjects, type PalhmProject } from "./_project.ts";

const project = usePalhmProjects();

/** A PALHM config whose tar warns on stderr but succeeds (exit 1 is accepted, as in core.json), and whose dump fails (after tar is done: the failure stops what still runs). */
function setup(p: PalhmProject): string {
  const tar = p.script("bin/tar", `echo 'tar: /etc/mtab: file changed as we read it' >&2; echo data; exit 1`);
  const dump = p.script("bin/mysqldump", `echo 'mysqldump: [Warning] Using a password on the command line' >&2; echo 'mysqldump: Got error: 2002: Can not connect to the server' >&2; exit 2`);
  const chatty = p.script("bin/chatty", `seq 1 200000 >&2; echo 'chatty: the reason' >&2; exit 3`);
  const root = JSON.stringify(p.path("backups"));
  return p.write({
    "palhm.conf": `{
  "execs": [
    { "id": "tar", "argv": [ ${JSON.stringify(tar)}, "--warning=none", "-cf", "-" ], "ec": "<2" },
    { "id": "filter-zstd-plain", "argv": [ "zstd" ] }
  ],
  "tasks": [
    { "id": "backup", "type": "backup", "backend": "localfs", "backend-param": { "root": ${root} },
      "objects": [ { "path": "etc.tar.zstd", "pipeline": [
        { "type": "exec-append", "exec-id": "tar", "argv": [ "-C", "/", "etc" ] },
        { "type": "exec", "exec-id": "filter-zstd-plain" } ] } ] },
    { "id": "broken", "type": "backup", "backend": "localfs", "backend-param": { "root": ${root} },
      "object-groups": [ { "id": "files" }, { "id": "db", "depends": [ "files" ] } ],
      "objects": [
        { "path": "etc.tar", "group": "files", "pipeline": [ { "type": "exec", "exec-id": "tar" } ] },
        { "path": "db.sql.zstd", "group": "db", "pipeline": [
          { "type": "exec-inline", "argv": [ ${JSON.stringify(dump)}, "-uroot", "--all-databases" ] },
          { "type": "exec", "exec-id": "filter-zstd-plain" } ] } ] },
    { "id": "chatty", "type": "routine", "routine": [ { "type": "exec-inline", "argv": [ ${JSON.stringify(chatty)} ] } ] }
  ]
}`,
  });
}

describe("palhm -q: children's stderr is held, printed only with the failure it explains", () => {
  test("a warning on a run that succeeds prints nothing, so cron sends no mail", async () => {
    const p = project();
    const conf = setup(p);
    const r = await p.run(["-q", "-f", conf, "run", "backup"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("");
    expect(r.status).toBe(0);
  });

  test("a failure prints the reason and the failing program's last stderr lines, and nothing of the others", async () => {
    const p = project();
    const conf = setup(p);
    const r = await p.run(["-q", "-f", conf, "run", "broken"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain('object "db.sql.zstd"');
    expect(r.stderr).toContain("exited with code 2 (accepted: ==0)");
    expect(r.stderr).toContain(
      "stderr of mysqldump (last lines):\n  mysqldump: [Warning] Using a password on the command line\n  mysqldump: Got error: 2002: Can not connect to the server\n",
    );
    // tar's warning belongs to an object that succeeded: it explains nothing.
    expect(r.stderr).not.toContain("file changed as we read it");
  });

  test("without -q, stderr is shown as it comes, and not printed a second time with the failure", async () => {
    const p = project();
    const conf = setup(p);
    const r = await p.run(["-f", conf, "run", "broken"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("tar: /etc/mtab: file changed as we read it");
    expect(r.stderr.split("mysqldump: Got error: 2002").length).toBe(2);
    expect(r.stderr).not.toContain("stderr of mysqldump");
  });

  test("what is held is bounded per process: the last 64 KiB, ending with the reason", async () => {
    const p = project();
    const conf = setup(p);
    const r = await p.run(["-q", "-f", conf, "run", "chatty"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("`" + p.path("bin/chatty") + "` exited with code 3");
    expect(r.stderr).toEndWith("  200000\n  chatty: the reason\n");
    // 64 KiB of lines, each indented by two spaces; never the 1.2 MB the program wrote.
    expect(r.stderr.length).toBeLessThan(64 * 1024 * 1.5);
    expect(r.stderr).not.toContain("\n  1\n  2\n");
  });
});
