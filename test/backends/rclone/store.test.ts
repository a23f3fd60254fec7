// The rclone store against a real `rclone serve sftp` (and `serve webdav`) on 127.0.0.1, started here.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RcloneStore } from "../../../src/backends/rclone/store.ts";
import { rcatFlags } from "../../../src/backends/rclone/sink.ts";
import { KeyExistsError, KeyNotFoundError } from "../../../src/backends/store.ts";
import { BackendError } from "../../../src/errors.ts";
import { alive, childrenOf } from "../../_support/process.ts";
import { sha256Hex } from "../../_support/servers/s3rver.ts";
import { obscure, startRcloneServer, type RcloneServer } from "../../_support/servers/rclone.ts";

// Real servers and many rclone runs on a machine shared with other test runs.
setDefaultTimeout(120_000);

const PREFIX = "2026-11-30T20:00:00+00:00";
const enc = (s: string) => new TextEncoder().encode(s);
const bytes = async (s: ReadableStream<Uint8Array>) => new Uint8Array(await new Response(s).arrayBuffer());
const keys = async (store: RcloneStore, dir = "") => (await Array.fromAsync(store.list(dir))).map((e) => `${e.key} ${e.size}`).sort();
const ctx = () => ({ signal: new AbortController().signal, verbosity: 3 });

/** This process's rclone children other than the servers: the store's clients still running. */
const clients = () =>
  childrenOf(process.pid).filter((pid) => alive(pid) && !readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").includes("serve"));

/** A port nothing listens on: one the kernel just gave a listener that is closed again. */
function closedPort(): number {
  const l = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = l.port;
  l.stop(true);
  return port;
}

let sftp: RcloneServer;
let scratch: string;
let n = 0;
/** A store on a fresh folder of the sftp server; `dir` is that folder on the server's disk. */
const fresh = (flags: string[] = []) => {
  const path = `backups/host${n++}`;
  return { store: new RcloneStore({ remote: sftp.remote(path), config: sftp.configPath, flags }, ctx()), dir: join(sftp.dir, path) };
};

beforeAll(async () => {
  sftp = await startRcloneServer("sftp");
  scratch = mkdtempSync(join(tmpdir(), "palhm-rclone-store-"));
});
afterAll(async () => {
  await sftp?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe("rclone store over SFTP", () => {
  test("a key written through a sink in chunks is stored byte for byte, and read back as a stream", async () => {
    const { store, dir } = fresh();
    const data = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => (i * 7919) % 251);
    const sink = await store.openSink(`${PREFIX}/db/all.sql.zst`, { sizeHint: BigInt(data.length) });
    for (let off = 0; off < data.length; off += 100_000) await sink.write(data.subarray(off, off + 100_000));
    await sink.close();
    expect(sha256Hex(readFileSync(join(dir, PREFIX, "db/all.sql.zst")))).toBe(sha256Hex(data));
    expect(sha256Hex(await bytes(await store.read(`${PREFIX}/db/all.sql.zst`)))).toBe(sha256Hex(data));
  });

  test("list gives every key under a dir at any depth with its size; listDirs the folders right under it", async () => {
    const { store } = fresh();
    expect(await keys(store)).toEqual([]);
    expect(await store.listDirs("")).toEqual([]);
    await store.put(`${PREFIX}/.palhm-incomplete`, enc("{}\n"));
    await store.put(`${PREFIX}/db/a.sql`, enc("12345"));
    await store.put(`${PREFIX}/etc.tar`, enc(""));
    await store.put("2026-12-01T00:00:00+00:00/x", enc("xy"));
    expect(await keys(store)).toEqual([
      `${PREFIX}/.palhm-incomplete 3`,
      `${PREFIX}/db/a.sql 5`,
      `${PREFIX}/etc.tar 0`,
      "2026-12-01T00:00:00+00:00/x 2",
    ]);
    expect(await keys(store, `${PREFIX}/db/`)).toEqual([`${PREFIX}/db/a.sql 5`]);
    expect((await store.listDirs("")).sort()).toEqual([PREFIX, "2026-12-01T00:00:00+00:00"]);
    expect(await store.listDirs(`${PREFIX}/`)).toEqual(["db"]);
    expect(await store.listDirs("no-such-dir/")).toEqual([]);
    expect(await keys(store, "no-such-dir/")).toEqual([]);
  });

  test("put with ifAbsent refuses a folder that holds anything, and leaves what it holds unchanged", async () => {
    const { store, dir } = fresh();
    await store.put(`${PREFIX}/.palhm-incomplete`, enc("first\n"), { ifAbsent: true });
    await expect(store.put(`${PREFIX}/.palhm-incomplete`, enc("second\n"), { ifAbsent: true })).rejects.toBeInstanceOf(KeyExistsError);
    // Anything in the folder takes it, not only the same key.
    await expect(store.put(`${PREFIX}/other`, enc("x"), { ifAbsent: true })).rejects.toBeInstanceOf(KeyExistsError);
    expect(readdirSync(join(dir, PREFIX))).toEqual([".palhm-incomplete"]);
    expect(readFileSync(join(dir, PREFIX, ".palhm-incomplete"), "utf8")).toBe("first\n");
  });

  test("put replaces a key whole, through a temporary name that does not stay behind", async () => {
    const { store, dir } = fresh();
    await store.put(`${PREFIX}/.palhm-manifest.json`, enc('{"v":1}'));
    await store.put(`${PREFIX}/.palhm-manifest.json`, enc('{"v":2,"objects":[]}'));
    expect(readdirSync(join(dir, PREFIX))).toEqual([".palhm-manifest.json"]);
    expect(readFileSync(join(dir, PREFIX, ".palhm-manifest.json"), "utf8")).toBe('{"v":2,"objects":[]}');
  });

  test("reading a key that is not stored rejects with KeyNotFoundError naming where it looked; an empty key reads as empty", async () => {
    const { store } = fresh();
    await store.put(`${PREFIX}/a`, enc("a"));
    await store.put(`${PREFIX}/sub/empty`, enc(""));
    expect((await bytes(await store.read(`${PREFIX}/sub/empty`))).length).toBe(0);
    expect(new TextDecoder().decode(await bytes(await store.read(`${PREFIX}/a`)))).toBe("a");
    for (const key of [`${PREFIX}/b`, "nowhere/b", PREFIX, `${PREFIX}/sub`]) {
      const e = await store.read(key).catch((e: unknown) => e);
      expect(e).toBeInstanceOf(KeyNotFoundError);
      expect((e as Error).message).toContain(store.location(key));
    }
  });

  test("remove deletes exactly the keys given (missing ones are no error); prune then clears the empty folders, not the root", async () => {
    const { store, dir } = fresh();
    for (const k of ["a/1", "a/sub/2", "a/sub/3", "b/4"]) await store.put(`${PREFIX}/${k}`, enc(k));
    await store.remove([`${PREFIX}/a/1`, `${PREFIX}/a/sub/2`, `${PREFIX}/a/sub/3`, `${PREFIX}/a/never-there`]);
    expect(await keys(store)).toEqual([`${PREFIX}/b/4 3`]);
    await store.prune(`${PREFIX}/a/`);
    expect(readdirSync(join(dir, PREFIX))).toEqual(["b"]);
    await store.remove([`${PREFIX}/b/4`]);
    await store.prune("");
    expect(readdirSync(dir)).toEqual([]);
    await store.prune("gone/");
    await store.remove([]);
  });

  test("a key with a line break is refused by remove before anything is deleted, never read as two names", async () => {
    const { store, dir } = fresh();
    await store.put(`${PREFIX}/a`, enc("a"));
    await store.put(`${PREFIX}/b`, enc("b"));
    await expect(store.remove([`${PREFIX}/b`, `${PREFIX}/x\n${PREFIX}/a`])).rejects.toThrow(/line break/);
    expect(readdirSync(join(dir, PREFIX)).sort()).toEqual(["a", "b"]);
  });

  test("a failure names rclone's own reason: a closed port says connection refused", async () => {
    const config = join(scratch, "refused.conf");
    writeFileSync(config, `[dead]\ntype = sftp\nhost = 127.0.0.1\nport = ${closedPort()}\nuser = palhm\npass = ${await obscure("x")}\n`);
    const store = new RcloneStore({ remote: "dead:backups", config, flags: ["--low-level-retries", "1"] }, ctx());
    const e = await store.listDirs("").catch((e: unknown) => e);
    expect(e).toBeInstanceOf(BackendError);
    expect((e as Error).message).toContain("cannot list dead:backups");
    expect((e as Error).message).toMatch(/rclone: .*connection refused/);

    const sink = await store.openSink(`${PREFIX}/big`);
    const writing = (async () => {
      for (let i = 0; i < 64; i++) await sink.write(new Uint8Array(1 << 20));
      await sink.close();
    })();
    await expect(writing).rejects.toThrow(/connection refused/);
  });

  test("credentials can come from RCLONE_CONFIG_<REMOTE>_PASS instead of the config file", async () => {
    const conf = readFileSync(sftp.configPath, "utf8");
    const pass = /^pass = (.*)$/m.exec(conf)![1]!;
    const config = join(scratch, "nopass.conf");
    writeFileSync(config, conf.replace(/^pass = .*\n/m, ""));
    const store = new RcloneStore({ remote: sftp.remote("backups/env"), config, flags: ["--low-level-retries", "1"] }, ctx());
    await expect(store.listDirs("")).rejects.toBeInstanceOf(BackendError);
    process.env.RCLONE_CONFIG_PALHMTEST_PASS = pass;
    try {
      await store.put(`${PREFIX}/a`, enc("a"));
      expect(await store.listDirs("")).toEqual([PREFIX]);
    } finally {
      delete process.env.RCLONE_CONFIG_PALHMTEST_PASS;
    }
  });

  test("an aborted sink stops its rclone; cancelling a read stops that rclone too", async () => {
    const { store, dir } = fresh();
    const sink = await store.openSink(`${PREFIX}/partial`);
    await sink.write(new Uint8Array(256 * 1024));
    expect(clients().length).toBeGreaterThan(0);
    await sink.abort(new Error("pipeline failed"));
    expect(clients()).toEqual([]);
    // What a killed rcat left is the copy layer's to remove, as for any aborted sink.
    await store.remove([`${PREFIX}/partial`]);
    expect(existsSync(join(dir, PREFIX, "partial"))).toBe(false);

    await store.put(`${PREFIX}/big`, new Uint8Array(8 * 1024 * 1024));
    const reader = (await store.read(`${PREFIX}/big`)).getReader();
    expect((await reader.read()).done).toBe(false);
    await reader.cancel();
    const deadline = Date.now() + 30_000;
    while (clients().length > 0 && Date.now() < deadline) await Bun.sleep(20);
    expect(clients()).toEqual([]);
  });

  test("stopping the run stops a write in progress, with the run's reason", async () => {
    const { store } = fresh();
    const run = new AbortController();
    const s = new RcloneStore({ remote: store.location(""), config: sftp.configPath, flags: [] }, { signal: run.signal, verbosity: 3 });
    const sink = await s.openSink(`${PREFIX}/x`);
    await sink.write(new Uint8Array(1024));
    const reason = new Error("interrupted by SIGTERM");
    run.abort(reason);
    const closing = sink.close().catch((e: unknown) => e);
    expect(await closing).toBe(reason);
    expect(clients()).toEqual([]);
  });
});

describe("rclone store over WebDAV", () => {
  let webdav: RcloneServer;
  beforeAll(async () => {
    webdav = await startRcloneServer("webdav");
  });
  afterAll(async () => {
    await webdav?.stop();
  });

  test("write, list, read, replace, remove and prune", async () => {
    const store = new RcloneStore({ remote: webdav.remote("backups/web1"), config: webdav.configPath, flags: [] }, ctx());
    const data = new Uint8Array(700_000).map((_, i) => i % 253);
    const sink = await store.openSink(`${PREFIX}/db.sql`, { sizeHint: 700_000n });
    await sink.write(data);
    await sink.close();
    await expect(store.put(`${PREFIX}/.palhm-incomplete`, enc("m"), { ifAbsent: true })).rejects.toBeInstanceOf(KeyExistsError);
    await store.put(`${PREFIX}/.palhm-manifest.json`, enc("{}"));
    expect(await keys(store)).toEqual([`${PREFIX}/.palhm-manifest.json 2`, `${PREFIX}/db.sql 700000`]);
    expect(sha256Hex(await bytes(await store.read(`${PREFIX}/db.sql`)))).toBe(sha256Hex(data));
    await store.remove([`${PREFIX}/.palhm-manifest.json`, `${PREFIX}/db.sql`]);
    await store.prune(`${PREFIX}/`);
    expect(readdirSync(join(webdav.dir, "backups/web1"))).toEqual([]);
  });
});

describe("rcat flags from a size hint", () => {
  test("an object expected small is uploaded in one request; a large or unknown one is streamed", () => {
    expect(rcatFlags(undefined)).toEqual([]);
    expect(rcatFlags(50_000n)).toEqual([]);
    expect(rcatFlags(8n * 1024n * 1024n)).toEqual(["--streaming-upload-cutoff", `${9n * 1024n * 1024n + 1n}B`]);
    expect(rcatFlags(16n * 1024n * 1024n)).toEqual(["--streaming-upload-cutoff", `${16 * 1024 * 1024}B`]);
    expect(rcatFlags(1n << 30n)).toEqual([]);
  });
});
