/**
 * PALHM's own sample configs (samples/: sample.jsonc with conf.d/core.json,
 * and the py-debug configs), run unchanged through the real CLI with PALHM's
 * command lines. Programs this machine lacks (rpm, dnf, sa-update, dig,
 * mailx) get stand-ins at the paths the configs name; so does /sbin/reboot,
 * which is present but must never run in a test, and s-nail (palhm's mailx
 * where PALHM's /bin/mailx is missing), since sample.jsonc mails through
 * "smtp=localhost", port 25, which a test cannot own. /root, /home and /var are
 * small test directories (the sample tars them), mysqldump talks to a
 * throwaway MariaDB through the default socket, and aws.jsonc's bucket is an
 * s3rver on 127.0.0.1 that AWS_ENDPOINT_URL_S3 points at. All of it inside a
 * private mount namespace (test/_support/private-host.ts): the host is never touched.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { startMariaDb, type MariaDb } from "../../_support/servers/mariadb.ts";
import { startS3rver, type RunningS3 } from "../../_support/servers/s3rver.ts";
import { palhmOnPrivateHost, privateHostUnavailable, runOnPrivateHost, type PrivateHost } from "../../_support/private-host.ts";
import { usePalhmProjects, type PalhmProject } from "./_project.ts";

const SAMPLES = join(import.meta.dir, "samples");
const sample = (rel: string) => readFileSync(join(SAMPLES, rel), "utf8");
const project = usePalhmProjects();
const skip = privateHostUnavailable;
const why = skip ? ` (skipped: ${skip})` : "";
const ISO_PREFIX = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/;

/** Stand-ins; each records what it was asked in /root/trace (a test directory). */
const STAND_INS = {
  "/bin/rpm": `echo "rpm $1" >> /root/trace; printf 'bash\\t5.1.8-6.el9.x86_64\\tRocky Enterprise Software Foundation\\n'`,
  "/bin/dnf": `echo "dnf $*" >> /root/trace`,
  "/bin/sa-update": `echo "sa-update $*" >> /root/trace`,
  "/bin/dig": `echo "dig $*" >> /root/trace; [ -e /root/servfail ] || echo 'example.com. 3600 IN RRSIG SOA 13 2 3600 20261201000000 20261101000000 12345 example.com. AAAA'`,
  "/bin/mailx": `printf '%s\\n' "$@" > /root/mailx.argv; cat > /root/mailx.body`,
  "/usr/bin/s-nail": `printf '%s\\n' "$@" > /root/mailx.argv; cat > /root/mailx.body`,
  "/sbin/reboot": `echo "reboot $*" >> /root/trace`,
};

/** The host a PALHM user has: /etc/palhm as given, the stand-ins, small /root, /home and /var. */
function host(p: PalhmProject, etcPalhm?: Record<string, string>, binds: Record<string, string> = {}): PrivateHost {
  for (const d of ["root", "home", "var/tmp", "var/lib", "cwd"]) mkdirSync(p.path(d), { recursive: true });
  writeFileSync(p.path("root/.profile"), "# a file to tar\n");
  return {
    scratch: p.path("ns"),
    ...(etcPalhm ? { etcPalhm } : {}),
    programs: STAND_INS,
    binds: { "/root": p.path("root"), "/home": p.path("home"), "/var": p.path("var"), ...binds },
  };
}
const env = (p: PalhmProject, extra: Record<string, string> = {}) => ({ PALHM_LOCK_DIR: p.path("locks"), PALHM_HOOKS: p.path("no-hooks"), ...extra });
const trace = (p: PalhmProject) => (existsSync(p.path("root/trace")) ? readFileSync(p.path("root/trace"), "utf8") : "");

describe("PALHM's sample.jsonc as /etc/palhm/palhm.conf, with conf.d/core.json", () => {
  const etc = () => ({ "palhm.conf": sample("py-sample/sample.jsonc"), "conf.d/core.json": sample("py-sample/conf.d/core.json") });

  test.skipIf(skip !== null)(`its crontab line, palhm -q run: backup, update, reboot, silently${why}`, async () => {
    const p = project();
    const r = await palhmOnPrivateHost(host(p, etc()), ["-q", "run"], p.path("cwd"), env(p));
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(trace(p)).toBe("rpm -qa\ndnf --refresh -yq update\nreboot \n");
  }, 180_000);

  test.skipIf(skip !== null)(`the DNSSEC check: an answer passes in silence, an empty one fails and says so${why}`, async () => {
    const p = project();
    const h = host(p, etc());
    const ok = await palhmOnPrivateHost(h, ["-q", "run", "check-dnssec"], p.path("cwd"), env(p));
    expect(ok).toEqual({ status: 0, stdout: "", stderr: "" });
    expect(trace(p)).toBe("dig +short +dnssec +notcp ANY example.com\n");
    writeFileSync(p.path("root/servfail"), "");
    const bad = await palhmOnPrivateHost({ ...h, scratch: p.path("ns2") }, ["-q", "run", "check-dnssec"], p.path("cwd"), env(p));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('task check-dnssec, object "example.com": `/bin/grep .` exited with code 1');
  }, 180_000);

  test.skipIf(skip !== null)(`the boot report goes to mailx with the int-opts, the subject and the recipient${why}`, async () => {
    const p = project();
    const r = await palhmOnPrivateHost(host(p, etc()), ["-q", "boot-report"], p.path("cwd"), env(p));
    expect(r).toEqual({ status: 0, stdout: "", stderr: "" });
    expect(readFileSync(p.path("root/mailx.argv"), "utf8")).toBe(`-S\nsmtp=localhost\n-s\nBoot Report from ${hostname()}\nroot\n`);
    const body = readFileSync(p.path("root/mailx.body"), "utf8");
    expect(body).toStartWith(`# This is a boot report from ${hostname()}.\n`);
    expect((Bun.YAML.parse(body) as { "boot-report": { hostname: string } })["boot-report"].hostname).toBe(hostname());
  }, 180_000);

  test.skipIf(skip !== null)(`palhm config names the file it found, and what it merged${why}`, async () => {
    const p = project();
    const r = await palhmOnPrivateHost(host(p, etc()), ["config", "--json"], p.path("cwd"), env(p));
    expect(r.status).toBe(0);
    const c = JSON.parse(r.stdout);
    expect(c.file).toBe("/etc/palhm/palhm.conf");
    expect(c.sources).toEqual(["/etc/palhm/palhm.conf", "/etc/palhm/conf.d/core.json"]);
    expect(Object.keys(c.tasks)).toEqual(["backup", "update", "reboot", "check-dnssec", "default"]);
  }, 180_000);
});

describe("PALHM's py-debug configs, with -f", () => {
  test.skipIf(skip !== null)(`localfs.jsonc: three runs leave the two newest copies, every object readable${why}`, async () => {
    const p = project();
    const h = host(p);
    for (let i = 0; i < 3; i++) {
      const r = await palhmOnPrivateHost({ ...h, scratch: p.path(`ns${i}`) }, ["-f", join(SAMPLES, "py-debug/localfs.jsonc"), "run"], p.path("cwd"), env(p));
      expect(r.stderr).not.toContain("palhm:");
      expect(r.status).toBe(0);
      // The update routine's echoes, at the config's "vl": 3.
      expect(r.stdout).toBe("0\n1\n");
    }
    const root = p.path("var/tmp/palhm-backup-root");
    const copies = readdirSync(root).filter((n) => ISO_PREFIX.test(n));
    expect(copies).toHaveLength(2);
    const copy = join(root, copies.sort().at(-1)!);
    expect(gunzipSync(readFileSync(join(copy, "pm-list.gz"))).toString()).toStartWith("bash\t5.1.8-6.el9.x86_64");
    expect(JSON.parse(gunzipSync(readFileSync(join(copy, "lsblk.json.gz"))).toString())).toHaveProperty("blockdevices");
    for (const f of ["random-dump.sql.xz", "random-dump.0.xz", "random-dump.1.xz"]) {
      const xz = Bun.spawnSync(["xz", "-dc", join(copy, f)]);
      expect(xz.exitCode).toBe(0);
      expect(xz.stdout.length).toBe(2 * 1024 * 1024);
    }
  }, 180_000);

  describe("null.jsonc, with a MariaDB server on the default socket", () => {
    let db: MariaDb | undefined;
    beforeAll(async () => {
      if (skip === null) db = await startMariaDb();
    }, 120_000);
    afterAll(async () => {
      await db?.stop();
    });

    test.skipIf(skip !== null)(`palhm -q -f null.jsonc run: every object built (mysqldump included), then update and reboot${why}`, async () => {
      const p = project();
      const h = host(p, undefined, { "/run/mysqld": db!.dir });
      const r = await palhmOnPrivateHost(h, ["-q", "-f", join(SAMPLES, "py-debug/null.jsonc"), "run"], p.path("cwd"), env(p, { MYSQL_PWD: db!.rootPassword }));
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(trace(p)).toBe("rpm -qa\ndnf --refresh -yq update\nsa-update \nreboot \n");
    }, 180_000);

    test.skipIf(skip !== null)(`without the database the run fails on mysqldump, with mysqldump's own words${why}`, async () => {
      const p = project();
      const r = await palhmOnPrivateHost(host(p), ["-q", "-f", join(SAMPLES, "py-debug/null.jsonc"), "run", "backup"], p.path("cwd"), env(p));
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('object "db.sql.zstd": `/bin/mysqldump -uroot --all-databases` exited with code 2');
      expect(r.stderr).toContain("stderr of mysqldump (last lines):\n  mysqldump: Got error: 2002");
    }, 180_000);
  });

  describe("aws.jsonc, its bucket an s3rver on 127.0.0.1", () => {
    let s3: RunningS3 | undefined;
    beforeAll(async () => {
      if (skip === null) s3 = await startS3rver("palhm.test");
    });
    afterAll(async () => {
      await s3?.stop();
    });

    test.skipIf(skip !== null)(`palhm -f aws.jsonc run backup: a complete copy under palhm/backup, listed by palhm list${why}`, async () => {
      const p = project();
      const aws = {
        AWS_ENDPOINT_URL_S3: s3!.endpoint,
        AWS_ACCESS_KEY_ID: "S3RVER",
        AWS_SECRET_ACCESS_KEY: "S3RVER",
        AWS_REGION: "us-east-1",
        AWS_CONFIG_FILE: "/dev/null",
        AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
      };
      const h = host(p);
      const conf = join(SAMPLES, "py-debug/aws.jsonc");
      const r = await palhmOnPrivateHost(h, ["-q", "-f", conf, "run", "backup"], p.path("cwd"), env(p, aws));
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      const list = await runOnPrivateHost({ ...h, scratch: p.path("ns2") }, ["bun", join(import.meta.dir, "../../../src/cli.ts"), "-f", conf, "list", "backup", "--json"], p.path("cwd"), env(p, aws));
      expect(list.status).toBe(0);
      const copies = JSON.parse(list.stdout).copies as { prefix: string; state: string; objects: unknown[] }[];
      expect(copies).toHaveLength(1);
      expect(copies[0]).toMatchObject({ state: "complete" });
      expect(copies[0]!.prefix).toMatch(ISO_PREFIX);
    }, 180_000);
  });
});
