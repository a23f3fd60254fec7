// The rclone backend end to end: the real CLI against `rclone serve sftp` on 127.0.0.1, started here.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { project } from "../../_support/cli.ts";
import { sha256Hex } from "../../_support/servers/s3rver.ts";
import { obscure, startRcloneServer, type RcloneServer } from "../../_support/servers/rclone.ts";
import { copiesOf } from "../../_support/copies.ts";
import { faultProject, q, survivors, startPalhm } from "../../faults/_support.ts";
import { watch } from "../../_support/process.ts";

// Real servers and many rclone runs on a machine shared with other test runs.
setDefaultTimeout(120_000);

const MARK = ".palhm-incomplete";
const MANIFEST = ".palhm-manifest.json";
const SEQ = Array.from({ length: 20_000 }, (_, i) => `${i + 1}\n`).join("");

let sftp: RcloneServer;
let base: string;
beforeAll(async () => {
  sftp = await startRcloneServer("sftp");
  base = mkdtempSync(join(tmpdir(), "palhm-rclone-cli-"));
});
afterAll(async () => {
  await sftp?.stop();
  rmSync(base, { recursive: true, force: true });
});

/** A project whose task `offsite` backs up into `palhmtest:backups/NAME` (nbCopyLimit 2) through rclone. */
function offsite(name: string, objects: unknown[], backend: Record<string, unknown> = {}) {
  const body = {
    tasks: {
      offsite: {
        type: "backup",
        backend: { type: "rclone", remote: sftp.remote(`backups/${name}`), config: sftp.configPath, nbCopyLimit: 2, ...backend },
        objects,
      },
    },
  };
  return { p: project(join(base, name), JSON.stringify(body, null, 2)), root: join(sftp.dir, "backups", name) };
}

const seqObject = (restoreTo?: string) => ({
  path: "db/seq.txt.zst",
  pipeline: [{ argv: ["seq", "20000"] }, { argv: ["zstd", "-q"] }],
  ...(restoreTo ? { restore: [{ argv: ["zstd", "-dq"] }, { argv: ["sh", "-c", 'cat > "$0"', restoreTo] }] } : {}),
});
const noteObject = { path: "note.txt", pipeline: [{ argv: ["echo", "hello from palhm"] }] };
const prefixes = (root: string) => (existsSync(root) ? readdirSync(root).sort() : []);

describe("palhm with an rclone backend over SFTP (real CLI)", () => {
  const restored = () => join(base, "restored-seq.txt");
  let copy1: string;

  test("run stores a complete copy at the remote: every object, the manifest, no mark", async () => {
    const { p, root } = offsite("web1", [noteObject, seqObject(restored())]);
    const r = await p.run(["-q", "run", "offsite"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    [copy1] = prefixes(root);
    const copy = join(root, copy1!);
    expect(readdirSync(copy).sort()).toEqual([MANIFEST, "db", "note.txt"]);
    expect(readFileSync(join(copy, "note.txt"), "utf8")).toBe("hello from palhm\n");
    const manifest = JSON.parse(readFileSync(join(copy, MANIFEST), "utf8"));
    const seq = manifest.objects.find((o: { path: string }) => o.path === "db/seq.txt.zst");
    expect(seq.sha256).toBe(sha256Hex(readFileSync(join(copy, "db/seq.txt.zst"))));
  });

  test("list shows the copy, complete, at its rclone location; verify re-reads it and finds it intact", async () => {
    const { p } = offsite("web1", [noteObject, seqObject(restored())]);
    const list = await p.run(["list", "offsite", "--json"]);
    expect(list.status).toBe(0);
    const copies = JSON.parse(list.stdout).copies;
    expect(copies.map((c: { prefix: string; state: string }) => [c.prefix, c.state])).toEqual([[copy1, "complete"]]);
    expect(copies[0].location).toBe(sftp.remote(`backups/web1/${copy1}`));
    const verify = await p.run(["verify", "offsite", "--json"]);
    expect(verify.status).toBe(0);
    expect(JSON.parse(verify.stdout).copies[0].objects.map((o: { status: string }) => o.status)).toEqual(["ok", "ok"]);
  });

  test("restore runs the restore pipeline on the verified object, and --to writes the objects as files", async () => {
    const { p } = offsite("web1", [noteObject, seqObject(restored())]);
    const r = await p.run(["-q", "restore", "offsite", "--object", "db/seq.txt.zst"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(readFileSync(restored(), "utf8")).toBe(SEQ);
    const to = join(base, "restored-files");
    const files = await p.run(["-q", "restore", "offsite", "--to", to]);
    expect(files.status).toBe(0);
    expect(readFileSync(join(to, "note.txt"), "utf8")).toBe("hello from palhm\n");
    expect(Bun.spawnSync(["zstd", "-dc", join(to, "db/seq.txt.zst")]).stdout.toString()).toBe(SEQ);
  });

  test("rotation keeps nbCopyLimit copies, the newest, and leaves no empty folder behind", async () => {
    const { p, root } = offsite("web1", [noteObject, seqObject(restored())]);
    for (let i = 0; i < 2; i++) {
      const r = await p.run(["-q", "run", "offsite"]);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
    }
    const kept = prefixes(root);
    expect(kept).toHaveLength(2);
    expect(kept).not.toContain(copy1);
    for (const c of kept) expect(readdirSync(join(root, c))).toContain(MANIFEST);
  });

  test("a failing pipeline rolls back: exit 1 naming the cause, nothing of the failed copy at the remote", async () => {
    const good = offsite("rollback", [noteObject]);
    expect((await good.p.run(["-q", "run", "offsite"])).status).toBe(0);
    const before = prefixes(good.root);
    const failing = { path: "big.bin", pipeline: [{ argv: ["sh", "-c", "head -c 3000000 /dev/urandom; exit 3"] }] };
    const { p, root } = offsite("rollback", [noteObject, failing]);
    const r = await p.run(["-q", "run", "offsite"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("exited with code 3");
    expect(r.stderr).not.toContain("internal error");
    expect(prefixes(root)).toEqual(before);
    expect(readdirSync(join(root, before[0]!)).sort()).toEqual([MANIFEST, "note.txt"]);
  });

  test("verify finds an object damaged at the remote, and names it", async () => {
    const { p, root } = offsite("damaged", [noteObject, seqObject()]);
    expect((await p.run(["-q", "run", "offsite"])).status).toBe(0);
    const [copy] = prefixes(root);
    writeFileSync(join(root, copy!, "note.txt"), "tampered\n");
    const r = await p.run(["verify", "offsite"]);
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).toContain("note.txt");
  });

  test("an unreachable server fails the run (exit 1) with rclone's reason, no internal error, no password", async () => {
    const l = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const port = l.port;
    l.stop(true);
    const password = "never-printed-7f3e";
    const config = join(base, "dead.conf");
    writeFileSync(config, `[dead]\ntype = sftp\nhost = 127.0.0.1\nport = ${port}\nuser = palhm\npass = ${await obscure(password)}\n`);
    const { p } = offsite("dead", [noteObject], { remote: "dead:backups", config, flags: ["--low-level-retries", "1"] });
    const r = await p.run(["run", "offsite"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("connection refused");
    expect(r.stderr).toContain("dead:backups");
    expect(r.stderr).not.toContain("internal error");
    expect(r.stderr).not.toContain(password);
    expect(r.stderr).not.toContain(readFileSync(config, "utf8").match(/pass = (.*)/)![1]!);
  });

  test("a secret on rclone's command line is a config error (exit 2) naming the field, before anything runs", async () => {
    const { p, root } = offsite("argv-secret", [noteObject], { flags: ["--sftp-pass", "hunter2"] });
    const r = await p.run(["run", "offsite"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("tasks.offsite.backend.flags: --sftp-pass (flags[0])");
    expect(r.stderr).toContain("RCLONE_CONFIG_");
    expect(r.stderr).not.toContain("hunter2");
    expect(prefixes(root)).toEqual([]);
  });

  test("SIGTERM during an upload: exit 143, no rclone left running, the copy rolled back at the remote", async () => {
    const root = join(sftp.dir, "backups", "sigterm");
    const backend = `{ type: "rclone", remote: ${q(sftp.remote("backups/sigterm"))}, config: ${q(sftp.configPath)} }`;
    const p = faultProject(join(base, "sigterm"), `{ backup: { type: "backup", backend: ${backend}, objects: [
      { path: "small", pipeline: [{ argv: ["echo", "small"] }] },
      { path: "big", pipeline: [{ argv: ["sh", "-c", "head -c 3000000 /dev/zero; exec sleep 60"] }] }] } }`);
    const proc = startPalhm(p, ["run", "backup"]);
    const err = watch(proc.stderr);
    // rclone rcat is storing `big` at the server.
    const uploading = () => copiesOf(root).some((c) => existsSync(join(root, c.prefix, "big")) && statSync(join(root, c.prefix, "big")).size > 0);
    const deadline = Date.now() + 60_000;
    while (!uploading() && Date.now() < deadline) await Bun.sleep(20);
    expect(uploading()).toBe(true);
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(143);
    await err.done;
    expect(err.text).toContain("interrupted by SIGTERM");
    expect(err.text).not.toContain("internal error");
    // Every process palhm started (rclone included) carries the project's token in its environment.
    expect(await survivors(p.token, 10_000)).toEqual([]);
    expect(copiesOf(root)).toEqual([]);
  });
});
