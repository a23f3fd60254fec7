// The rclone backend's parameters as the config resolves them: defaults, and each bad value a config error naming its field.
import { describe, expect, test } from "bun:test";
import { resolveBackend } from "../../../src/config/resolve-backup.ts";
import { descriptorOf } from "../../../src/backends/registry.ts";
import { ConfigError } from "../../../src/errors.ts";
import type { ResolvedRcloneParam } from "../../../src/backends/rclone/params.ts";

const at = ["tasks", "offsite", "backend"];
const resolve = (b: Record<string, unknown>) => resolveBackend({ type: "rclone", ...b } as never, at) as ResolvedRcloneParam;
const failure = (b: Record<string, unknown>): ConfigError => {
  try {
    resolve(b);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("resolved without a config error");
};

describe("rclone backend parameters", () => {
  test("defaults: rclone's own config, no flags, no limits; a trailing / of the remote is dropped, a root / kept", () => {
    expect(resolve({ remote: "offsite:backups/web1/" })).toEqual({ type: "rclone", remote: "offsite:backups/web1", flags: [], nbCopyLimit: null, rootSizeLimit: null });
    expect(resolve({ remote: "offsite:/" }).remote).toBe("offsite:/");
    expect(resolve({ remote: "offsite:" }).remote).toBe("offsite:");
    expect(resolve({ remote: ":local:/srv/backups", config: "/etc/palhm/rclone.conf", flags: ["--bwlimit", "20M"], nbCopyLimit: 7 })).toMatchObject({
      config: "/etc/palhm/rclone.conf",
      flags: ["--bwlimit", "20M"],
      nbCopyLimit: 7n,
    });
  });

  test("a remote that names no rclone remote is a config error at `remote`", () => {
    for (const remote of ["", "backups/web1", "/srv/backups", "backups/x:y"]) {
      const e = failure({ remote });
      expect(e.message).toContain("tasks.offsite.backend.remote");
      expect(e.message).toContain("NAME:PATH");
    }
  });

  test("a secret in flags or in a connection string is refused, without repeating it", () => {
    for (const [flags, field] of [[["--sftp-pass", "hunter2"], "flags[0]"], [["-v", "--s3-secret-access-key=hunter2"], "flags[1]"], [["--b2-key", "hunter2"], "flags[0]"]] as const) {
      const e = failure({ remote: "offsite:b", flags });
      expect(e.message).toContain(`tasks.offsite.backend.flags: `);
      expect(e.message).toContain(`(${field})`);
      expect(e.message).toContain("RCLONE_CONFIG_");
      expect(e.message).not.toContain("hunter2");
    }
    const e = failure({ remote: ":sftp,host=h,user=u,pass=hunter2:backups" });
    expect(e.message).toContain("tasks.offsite.backend.remote");
    expect(e.message).not.toContain("hunter2");
    // Paths and switches named like secrets are not secrets.
    expect(resolve({ remote: "offsite:b", flags: ["--sftp-key-file", "/etc/palhm/id", "--ask-password=false"] }).flags).toHaveLength(3);
  });

  test("an S3 session token or a service account's credentials in a connection string or a flag is refused too", () => {
    for (const remote of [":s3,provider=AWS,access_key_id=AKIA,secret_access_key_file=x,session_token=hunter2:bucket", ":drive,service_account_credentials=hunter2:backups"]) {
      const e = failure({ remote });
      expect(e.message).toContain("tasks.offsite.backend.remote");
      expect(e.message).not.toContain("hunter2");
    }
    const e = failure({ remote: "offsite:b", flags: ["--drive-service-account-credentials", "hunter2"] });
    expect(e.message).toContain("(flags[0])");
  });

  test("a flag that changes what rclone lists or deletes (a filter, a dry run, a limit) is refused", () => {
    for (const [flags, name] of [[["--exclude", "*.json"], "--exclude"], [["-v", "--max-age=7d"], "--max-age"], [["--dry-run"], "--dry-run"], [["-n"], "-n"], [["--files-from", "x"], "--files-from"]] as const) {
      const e = failure({ remote: "offsite:b", flags });
      expect(e.message).toContain("tasks.offsite.backend.flags: ");
      expect(e.message).toContain(`${name} (flags[`);
    }
    expect(resolve({ remote: "offsite:b", flags: ["--bwlimit", "20M", "--transfers=2", "-v"] }).flags).toHaveLength(4);
  });

  test("the descriptor names the root by its remote, locks it per config file, and rotates it", () => {
    const p = resolve({ remote: "offsite:backups/web1", config: "/etc/palhm/rclone.conf", nbCopyLimit: 3 });
    const d = descriptorOf(p);
    expect(d.describe(p)).toBe("offsite:backups/web1");
    expect(d.lockKey(p)).not.toBe(d.lockKey(resolve({ remote: "offsite:backups/web1", config: "/root/other.conf" })));
    expect(d.rotation(p)).toMatchObject({ nbCopyLimit: 3n });
  });
});
