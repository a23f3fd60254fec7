/** A calendar expression as the time fields of a crontab line: what cron can say, and a clear refusal for what it cannot. */
import { describe, expect, test } from "bun:test";
import { cronFields } from "../../src/schedule/cron.ts";

describe("cronFields", () => {
  test.each([
    ["daily", "0 0 * * *"],
    ["hourly", "0 * * * *"],
    ["weekly", "0 0 * * mon"],
    ["monthly", "0 0 1 * *"],
    ["*-*-* 03:30", "30 3 * * *"],
    ["*-*-* 03:30:00", "30 3 * * *"],
    ["03:30", "30 3 * * *"],
    ["Mon..Fri 22:00", "0 22 * * mon-fri"],
    ["Sat,Sun *-*-* 04:15:00", "15 4 * * sat,sun"],
    ["*-*-1,15 02:00", "0 2 1,15 * *"],
    ["*-01,07-01 00:00:00", "0 0 1 1,7 *"],
    ["*-*-* *:0/15", "0-59/15 * * * *"],
    ["*-*-* 6/6:00", "0 6-23/6 * * *"],
    ["*-*-* 08..18:00", "0 8-18 * * *"],
  ])("%s -> %s", (expr, fields) => {
    expect(cronFields(expr)).toBe(fields);
  });

  test.each([
    ["*-*-* 03:30:15", "whole minutes"],
    ["2027-*-* 03:00", "every year"],
    ["*-*-* 03:00 Europe/Berlin", "time zones"],
    ["Mon *-*-1 03:00", "both a weekday and a day of the month"],
    ["*-*~01 03:00", "a field cron does not understand"],
    ["*-*-*-* 03:00", "unreadable date"],
    ["Funday 03:00", "unknown weekday"],
  ])("%s cannot be a crontab line (%s)", (expr, why) => {
    const r = cronFields(expr);
    expect(r).toEqual({ problem: expect.stringContaining(why) });
    expect((r as { problem: string }).problem).toContain(JSON.stringify(expr));
  });
});
