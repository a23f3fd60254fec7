import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { createServer } from "node:net";
import { startSmtp } from "../_support/servers/smtp.ts";
import { tempDir } from "../_support/tmp.ts";
import { bootReportCli } from "./_cli.ts";
import { cleanEnv } from "../_support/cli.ts";

const S_NAIL = "/usr/bin/s-nail";
const home = tempDir("boot-report");
// s-nail reads ~/.mailrc and may write ~/dead.letter: keep both in a temp home.
const env = cleanEnv({ HOME: home.dir, MAILRC: "/dev/null" });
afterAll(() => home[Symbol.dispose]());

function snailOpts(port: number): string[] {
  return ["v15-compat", `mta=smtp://127.0.0.1:${port}`, "smtp-auth=none", "nosave", "from=palhm@example.com"];
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("mailx MUA with s-nail and a real SMTP server", () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(() => smtp.close());

  test("delivers the report with no path given (the default, s-nail, is what Debian's s-nail package installs): every recipient, the subject and the YAML body as received", async () => {
    const mailTo = ["root@example.com", "ops@example.net"];
    const r = await bootReportCli(
      { mua: { type: "mailx", intOpts: snailOpts(smtp.port) }, mailTo },
      env,
    );
    expect(r.stderr).not.toContain("error");
    expect(r.status).toBe(0);
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.rcptTo).toEqual(mailTo);
    expect(mail.headers.get("subject")).toBe(`Boot Report from ${hostname()}`);
    expect(mail.body.split("\n").slice(0, 2)).toEqual([
      `# This is a boot report from ${hostname()}.`,
      "# More details as follows.",
    ]);
    const doc = (Bun.YAML.parse(mail.body) as any)["boot-report"];
    expect(Object.keys(doc)).toEqual(["hostname", "tz", "uptime-since", "uptime", "boot-id"]);
    expect(doc.hostname).toBe(hostname());
    expect(doc["boot-id"]).toBe(readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim());
  });

  test("the SMTP server down: exit 1, naming s-nail, its exit status and its error", async () => {
    const port = await closedPort();
    const r = await bootReportCli(
      { mua: { type: "mailx", path: S_NAIL, intOpts: snailOpts(port) }, mailTo: ["root@example.com"] },
      env,
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`the mailx program ${S_NAIL} exited with status`);
    expect(r.stderr).toMatch(/connect|refused/i);
    expect(r.stderr).not.toContain("internal error");
  });
});

describe("mailx MUA command line", () => {
  test("runs PATH -S OPT... -s SUBJECT RECIPIENT... with the body on stdin", async () => {
    using dir = tempDir("boot-report");
    const fake = join(dir.dir, "mailx");
    writeFileSync(fake, `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir.dir}/argv"\ncat > "${dir.dir}/stdin"\n`);
    chmodSync(fake, 0o755);
    const r = await bootReportCli(
      {
        
        uptime: false,
        uptimeSince: false,
        bootId: false,
        subject: "up: {hostname}",
        mua: { type: "mailx", path: fake, intOpts: ["v15-compat", "mta=smtp://mx:25"] },
        mailTo: ["a@example.com", "b@example.com"],
      },
      env,
    );
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir.dir, "argv"), "utf8")).toBe(
      ["-S", "v15-compat", "-S", "mta=smtp://mx:25", "-s", `up: ${hostname()}`, "a@example.com", "b@example.com", ""].join("\n"),
    );
    const body = readFileSync(join(dir.dir, "stdin"), "utf8");
    expect((Bun.YAML.parse(body) as any)["boot-report"].hostname).toBe(hostname());
  });

  test("a mailx that exits 1: exit 1 with the program, its status and its stderr", async () => {
    using dir = tempDir("boot-report");
    const fake = join(dir.dir, "mailx");
    writeFileSync(fake, "#!/bin/sh\ncat >/dev/null\necho 'mailx: no such user' >&2\nexit 1\n");
    chmodSync(fake, 0o755);
    const r = await bootReportCli({ mua: { type: "mailx", path: fake, intOpts: [] }, mailTo: ["x"] }, env);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`the mailx program ${fake} exited with status 1: mailx: no such user`);
  });

  test("a missing mailx program: exit 1 naming the path", async () => {
    const r = await bootReportCli(
      { mua: { type: "mailx", path: "/nonexistent/mailx", intOpts: [] }, mailTo: ["root"] },
      env,
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("cannot run the mailx program /nonexistent/mailx");
  });

  test("a recipient starting with '-' is refused as a config error before mailx runs", async () => {
    using dir = tempDir("boot-report");
    const ran = join(dir.dir, "ran");
    const fake = join(dir.dir, "mailx");
    writeFileSync(fake, `#!/bin/sh\ntouch "${ran}"\n`);
    chmodSync(fake, 0o755);
    const r = await bootReportCli({ mua: { type: "mailx", path: fake, intOpts: [] }, mailTo: ["root", "-X"] }, env);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("bootReport.mailTo[1]");
    expect(await Bun.file(ran).exists()).toBe(false);
  });
});
