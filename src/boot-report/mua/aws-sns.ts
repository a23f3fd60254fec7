/**
 * The `aws-sns` MUA: one SNS Publish per recipient, the body as Message.
 * Recipients are topic ARNs (TopicArn), platform endpoint ARNs (TargetArn)
 * or E.164 phone numbers (PhoneNumber). The SDK is imported only when a
 * report is actually sent.
 */
import { createHash } from "node:crypto";
import type { PublishCommandInput } from "@aws-sdk/client-sns";
import { makeClientConfig, redactSecrets } from "../../aws/clients.ts";
import { TaskError } from "../../errors.ts";
import type { MailMessage, Mua } from "../types.ts";
import { snsSubject } from "./sns-subject.ts";

export interface SnsMuaOptions {
  /** @default "default" */
  readonly profile?: string;
  /** @default the region in the recipient's ARN, else the SDK's (AWS_REGION, profile) */
  readonly region?: string;
}

/** The Publish input for one recipient, without the SDK. */
export function publishInput(recipient: string, message: MailMessage): PublishCommandInput {
  const subject = snsSubject(message.subject);
  const input: PublishCommandInput = { Message: message.body, ...(subject && { Subject: subject }) };
  if (/^\+[0-9]{2,15}$/.test(recipient)) return { ...input, PhoneNumber: recipient };
  const resource = recipient.split(":").slice(5).join(":");
  if (resource.startsWith("endpoint/")) return { ...input, TargetArn: recipient };
  input.TopicArn = recipient;
  if (resource.endsWith(".fifo")) {
    input.MessageGroupId = "palhm-boot-report";
    input.MessageDeduplicationId = createHash("sha256").update(message.body).digest("hex");
  }
  return input;
}

/** The region of an ARN (`arn:PARTITION:sns:REGION:ACCOUNT:...`), if it names one. */
export function arnRegion(recipient: string): string | undefined {
  const parts = recipient.split(":");
  return parts[0] === "arn" && parts[3] ? parts[3] : undefined;
}

export function snsMua(options: SnsMuaOptions = {}): Mua {
  return {
    type: "aws-sns",
    async send(message, { log, signal }) {
      const { SNSClient, PublishCommand } = await import("@aws-sdk/client-sns");
      const clients = new Map<string | undefined, InstanceType<typeof SNSClient>>();
      const failures: string[] = [];
      try {
        for (const to of message.to) {
          const region = options.region ?? arnRegion(to);
          let client = clients.get(region);
          if (!client) {
            client = new SNSClient(makeClientConfig(options.profile ?? "default", region));
            clients.set(region, client);
          }
          try {
            const out = await client.send(new PublishCommand(publishInput(to, message)), { abortSignal: signal });
            log.debug(`boot report: published to ${to} (message id ${out.MessageId})`);
          } catch (e) {
            if (signal.aborted) throw e;
            const err = e as Error & { $metadata?: { httpStatusCode?: number } };
            const status = err.$metadata?.httpStatusCode;
            const what = [err.name !== "Error" && err.name, status && `(HTTP ${status})`].filter(Boolean).join(" ");
            failures.push(`${to}: ${what ? `${what}: ` : ""}${redactSecrets(err.message)}`);
          }
        }
      } finally {
        for (const c of clients.values()) c.destroy();
      }
      if (failures.length) {
        const sent = message.to.length - failures.length;
        throw new TaskError(
          `boot report: SNS Publish failed for ${failures.length} of ${message.to.length} recipients` +
            `${sent ? ` (${sent} sent)` : ""}: ${failures.join("; ")}`,
        );
      }
    },
  };
}
