import { describe, expect, test } from "bun:test";
import { SNS_SUBJECT_MAX, snsSubject } from "../../src/boot-report/mua/sns-subject.ts";
import { arnRegion, publishInput } from "../../src/boot-report/mua/aws-sns.ts";

describe("SNS subject", () => {
  test("an ASCII subject passes unchanged", () => {
    expect(snsSubject("Boot Report from db1.example.com")).toBe("Boot Report from db1.example.com");
  });

  test("accents are transliterated and other non-ASCII dropped", () => {
    expect(snsSubject("Rapport de démarrage — café 東京")).toBe("Rapport de demarrage cafe");
  });

  test("line breaks, tabs and control characters become single spaces", () => {
    expect(snsSubject("  Boot\r\nReport\tfrom\u0007 host\n")).toBe("Boot Report from host");
  });

  test("a long subject is cut below SNS's 100-character limit", () => {
    const s = snsSubject("x".repeat(250))!;
    expect(s.length).toBeLessThan(100);
    expect(s.length).toBe(SNS_SUBJECT_MAX);
    expect(s.endsWith("...")).toBe(true);
  });

  test("a subject with nothing printable is omitted", () => {
    expect(snsSubject("東京\n")).toBeUndefined();
  });
});

describe("SNS Publish input", () => {
  const message = { subject: "Boot Report from h\n", to: [], body: "boot-report:\n  hostname: \"h\"\n" };

  test("a topic ARN is published to as TopicArn, with the body as Message", () => {
    expect(publishInput("arn:aws:sns:us-east-1:123456789012:ops", message)).toEqual({
      TopicArn: "arn:aws:sns:us-east-1:123456789012:ops",
      Subject: "Boot Report from h",
      Message: message.body,
    });
  });

  test("a platform endpoint ARN is a TargetArn; a phone number a PhoneNumber", () => {
    const ep = "arn:aws:sns:eu-west-1:123456789012:endpoint/GCM/app/0b1c";
    expect(publishInput(ep, message).TargetArn).toBe(ep);
    expect(publishInput(ep, message).TopicArn).toBeUndefined();
    expect(publishInput("+15555550100", message).PhoneNumber).toBe("+15555550100");
  });

  test("a FIFO topic gets a message group and a deduplication id", () => {
    const input = publishInput("arn:aws:sns:us-east-1:123456789012:ops.fifo", message);
    expect(input.MessageGroupId).toBeTruthy();
    expect(input.MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
  });

  test("the region is taken from the ARN", () => {
    expect(arnRegion("arn:aws:sns:ap-northeast-1:123456789012:ops")).toBe("ap-northeast-1");
    expect(arnRegion("+15555550100")).toBeUndefined();
  });
});
