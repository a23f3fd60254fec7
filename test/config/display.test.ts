import { describe, expect, test } from "bun:test";
import { maskArgv, maskEnv } from "../../src/secrets.ts";

describe("secrets in printed configs", () => {
  test("env values named like secrets are masked, others shown", () => {
    expect(maskEnv({ MYSQL_PWD: "a", DB_PASSWORD: "b", API_TOKEN: "c", AWS_SECRET_ACCESS_KEY: "d", GOOGLE_CREDENTIALS: "e", TZ: "UTC", LANG: "C" })).toEqual({
      MYSQL_PWD: "***",
      DB_PASSWORD: "***",
      API_TOKEN: "***",
      AWS_SECRET_ACCESS_KEY: "***",
      GOOGLE_CREDENTIALS: "***",
      TZ: "UTC",
      LANG: "C",
    });
  });

  test("password arguments are masked, the option name kept", () => {
    expect(maskArgv(["mysqldump", "--password=hunter2", "-uroot", "--all-databases"])).toEqual(["mysqldump", "--password=***", "-uroot", "--all-databases"]);
    expect(maskArgv(["mysql", "-phunter2", "db"])).toEqual(["mysql", "-p***", "db"]);
    expect(maskArgv(["curl", "--token", "abc", "-s"])).toEqual(["curl", "--token", "***", "-s"]);
    expect(maskArgv(["tar", "-cf", "-", "/etc"])).toEqual(["tar", "-cf", "-", "/etc"]);
    expect(maskArgv(["grep", "-presume", "x"])).toEqual(["grep", "-presume", "x"]);
  });
});
