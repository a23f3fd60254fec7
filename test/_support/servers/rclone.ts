/**
 * A real rclone server for tests: `rclone serve sftp` (or `serve webdav`) on
 * 127.0.0.1 and an ephemeral port, serving a temp directory, with a user and a
 * random password; and an rclone config file for the client side, the
 * password obscured as rclone requires. Nothing secret goes on argv: the
 * server reads its user and password from RCLONE_USER/RCLONE_PASS.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";

export interface RcloneServer {
  readonly kind: "sftp" | "webdav";
  /** The directory served: what the remote's root holds, for checking from the side. */
  readonly dir: string;
  readonly port: number;
  /** A client config file naming REMOTE_NAME (the password obscured). */
  readonly configPath: string;
  /** `palhmtest:` plus a path: the remote for a store, e.g. remote("backups/web1"). */
  remote(path?: string): string;
  stop(): Promise<void>;
}

/** No "-" in it, so RCLONE_CONFIG_PALHMTEST_* variables can name it. */
export const REMOTE_NAME = "palhmtest";
const _START_DEADLINE_MS = 60_000;
const _LISTENING = /(?:listening on|Server started on) (?:\[?https?:\/\/)?127\.0\.0\.1:(\d+)/;

/** Runs rclone to the end, for the helper's own needs (e.g. `obscure`); rejects on a non-zero exit. */
async function _rclone(args: string[], stdin?: string): Promise<string> {
  const proc = Bun.spawn(["rclone", ...args], { stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin), stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`rclone ${args[0]} exited with ${code}: ${err}`);
  return out.trim();
}

/** The password as an rclone config file holds it. */
export const obscure = (password: string): Promise<string> => _rclone(["obscure", "-"], password);

/** Reads the server's stderr until it says where it listens; rejects if it exits or stays silent too long. */
async function _port(proc: Subprocess<"ignore", "ignore", "pipe">): Promise<number> {
  const reader = (proc.stderr as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let seen = "";
  const deadline = setTimeout(() => void reader.cancel(), _START_DEADLINE_MS);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) throw new Error(`rclone serve did not start: ${seen}`);
      seen += decoder.decode(value, { stream: true });
      const m = _LISTENING.exec(seen);
      if (m) return Number(m[1]);
    }
  } finally {
    clearTimeout(deadline);
    // Keep draining, so the server never blocks on a full stderr pipe.
    void (async () => {
      try {
        while (!(await reader.read()).done);
      } catch {}
    })();
  }
}

/** Starts the server on a fresh directory under `parent` (default: the temp dir), removed by `stop`. */
export async function startRcloneServer(kind: "sftp" | "webdav" = "sftp", parent = tmpdir()): Promise<RcloneServer> {
  const base = mkdtempSync(join(parent, `palhm-rclone-${kind}-`));
  const dir = join(base, "served");
  mkdirSync(dir);
  const user = "palhm";
  const password = randomBytes(12).toString("hex");
  const serverConfig = join(base, "server.conf");
  writeFileSync(serverConfig, "");
  const args = ["serve", kind, dir, "--config", serverConfig, "--addr", "127.0.0.1:0", "--dir-cache-time", "0s"];
  if (kind === "sftp") {
    // A host key of its own, instead of rclone generating three under ~/.cache.
    const hostKey = join(base, "host_key");
    writeFileSync(hostKey, generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
    args.push("--key", hostKey);
  }
  const proc = Bun.spawn(["rclone", ...args], {
    env: { ...process.env, RCLONE_USER: user, RCLONE_PASS: password, RCLONE_CACHE_DIR: join(base, "cache") },
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  const stopServer = async () => {
    proc.kill("SIGTERM");
    const timer = setTimeout(() => proc.kill("SIGKILL"), 5000);
    await proc.exited;
    clearTimeout(timer);
  };
  let port: number;
  try {
    port = await _port(proc);
  } catch (e) {
    await stopServer();
    rmSync(base, { recursive: true, force: true });
    throw e;
  }
  const configPath = join(base, "rclone.conf");
  const options = kind === "sftp"
    ? { type: "sftp", host: "127.0.0.1", port: String(port), user, pass: await obscure(password), shell_type: "none" }
    : { type: "webdav", url: `http://127.0.0.1:${port}/`, vendor: "other", user, pass: await obscure(password) };
  writeFileSync(configPath, `[${REMOTE_NAME}]\n${Object.entries(options).map(([k, v]) => `${k} = ${v}\n`).join("")}`, { mode: 0o600 });
  return {
    kind,
    dir,
    port,
    configPath,
    remote: (path = "") => `${REMOTE_NAME}:${path}`,
    async stop() {
      await stopServer();
      rmSync(base, { recursive: true, force: true });
    },
  };
}
