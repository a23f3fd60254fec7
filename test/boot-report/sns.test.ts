import { afterEach, describe, expect, test } from "bun:test";
import { hostname } from "node:os";
import { snsError, startSns, type Publish } from "../_support/servers/sns.ts";
import { bootReportCli } from "./_cli.ts";
import { cleanEnv } from "../_support/cli.ts";

const KEY_ID = "AKIDPALHMTEST";
const SECRET = "palhm-test-secret-do-not-print";
const TOPIC_A = "arn:aws:sns:us-east-1:123456789012:ops";
const TOPIC_B = "arn:aws:sns:us-east-1:123456789012:oncall";

let sns: ReturnType<typeof startSns> | undefined;
afterEach(() => sns?.close());

/** The SDK finds the loopback endpoint through its standard variable, and credentials through the environment. */
function awsEnv(url: string): Record<string, string | undefined> {
  return cleanEnv({
    AWS_ENDPOINT_URL_SNS: url,
    AWS_ACCESS_KEY_ID: KEY_ID,
    AWS_SECRET_ACCESS_KEY: SECRET,
    AWS_CONFIG_FILE: "/nonexistent/aws-config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
    AWS_EC2_METADATA_DISABLED: "true",
  });
}

const snsReport = (mailTo: string[], region?: string) => ({
  
  mua: { type: "aws-sns" as const, profile: "default", ...(region && { region }) },
  mailTo,
});

describe("aws-sns MUA against a loopback SNS Query API", () => {
  test("publishes once per topic ARN, with an SNS-safe subject and the YAML body as Message", async () => {
    sns = startSns();
    const report = {
      ...snsReport([TOPIC_A, TOPIC_B], "us-east-1"),
      subject: `Démarrage de {hostname}\nredémarré ${"·".repeat(3)}${"x".repeat(120)}`,
    };
    const r = await bootReportCli(report, awsEnv(sns.url));
    expect(r.stderr).not.toContain("failed");
    expect(r.status).toBe(0);
    expect(sns.publishes.map((p) => p.params.TopicArn)).toEqual([TOPIC_A, TOPIC_B]);
    for (const { params } of sns.publishes) {
      expect(params.Action).toBe("Publish");
      expect(params.Subject).toStartWith(`Demarrage de ${hostname()} redemarre x`);
      expect(params.Subject).toMatch(/^[\x20-\x7e]+$/);
      expect(params.Subject!.length).toBeLessThanOrEqual(100);
      const doc = (Bun.YAML.parse(params.Message!) as any)["boot-report"];
      expect(doc.hostname).toBe(hostname());
      expect(Object.keys(doc)).toEqual(["hostname", "tz", "uptime-since", "uptime", "boot-id"]);
    }
  });

  test("requests are signed with the environment's key for the ARN's region; the secret is never printed", async () => {
    sns = startSns();
    const arn = "arn:aws:sns:eu-west-1:123456789012:ops";
    const r = await bootReportCli(snsReport([arn]), awsEnv(sns.url));
    expect(r.status).toBe(0);
    const auth = sns.publishes[0]!.authorization!;
    expect(auth).toContain(`Credential=${KEY_ID}/`);
    expect(auth).toContain("/eu-west-1/sns/aws4_request");
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  test("403 from SNS: exit 1 naming the recipient and the error, no secret shown", async () => {
    sns = startSns(() => snsError(403, "AuthorizationError", "User is not authorized to perform SNS:Publish"));
    const r = await bootReportCli(snsReport([TOPIC_A], "us-east-1"), awsEnv(sns.url));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${TOPIC_A}: AuthorizationError(Exception)? \\(HTTP 403\\): User is not authorized`));
    expect(r.stderr).not.toContain(SECRET);
    expect(r.stderr).not.toContain("internal error");
  });

  test("500 for one topic: the other still gets the report, and the run fails naming the one that did not", async () => {
    const failing = (p: Publish) =>
      p.params.TopicArn === TOPIC_B ? snsError(500, "InternalError", "the topic is having a bad day") : undefined;
    sns = startSns(failing);
    const r = await bootReportCli(snsReport([TOPIC_A, TOPIC_B], "us-east-1"), awsEnv(sns.url));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("SNS Publish failed for 1 of 2 recipients (1 sent)");
    expect(r.stderr).toMatch(new RegExp(`${TOPIC_B}: InternalError(Exception)? \\(HTTP 500\\): the topic is having a bad day`));
    expect(sns.publishes.filter((p) => p.params.TopicArn === TOPIC_A)).toHaveLength(1);
  });

  test("the SNS endpoint down: exit 1 with a clear message", async () => {
    sns = startSns();
    const url = sns.url;
    sns.close();
    sns = undefined;
    const r = await bootReportCli(snsReport([TOPIC_A], "us-east-1"), awsEnv(url));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`SNS Publish failed for 1 of 1 recipients: ${TOPIC_A}: connect ECONNREFUSED`);
  });
});

describe("start-up cost", () => {
  test("the SNS SDK is not loaded unless an aws-sns report is sent", async () => {
    const probe = `await import(${JSON.stringify(`${import.meta.dir}/../../src/boot-report/send.ts`)});
      console.log(Object.keys(require.cache).filter((k) => k.includes("@aws-sdk")).length);`;
    const proc = Bun.spawnSync([process.execPath, "-e", probe]);
    expect(proc.stdout.toString().trim()).toBe("0");
  });
});
