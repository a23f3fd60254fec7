import { describe, expect, test } from "bun:test";
import type { CopyInfo } from "../../src/copies/names.ts";
import type { ResolvedBackupTask, ResolvedExec, ResolvedObject } from "../../src/config/resolved.ts";
import { TaskError } from "../../src/errors.ts";
import { SelectionError } from "../../src/restore/errors.ts";
import { applyOrder, groupOrder, pickCopy, pickPaths, restorePipelines } from "../../src/restore/select.ts";

const copy = (prefix: string, state: CopyInfo["state"]): CopyInfo => ({ prefix, state, size: 10n });
const exec = (...argv: string[]): ResolvedExec => ({ argv, env: {}, ec: { min: 0, max: 0, text: "==0" }, vlStderr: 1, vlStdout: 3 });
const obj = (path: string, group = "default", restore?: ResolvedExec[]): ResolvedObject => ({ path, group, pipeline: [exec("true")], restore });
const noHooks = { pre: [], inspect: [], post: [], error: [], finally: [] };

function task(objects: ResolvedObject[], groups = [{ id: "default", depends: [] as string[] }]): ResolvedBackupTask {
  return { type: "backup", id: "t", backend: { type: "null" }, groups, objects, hooks: { backup: noHooks, restore: noHooks } };
}

describe("choosing the copy", () => {
  const copies = [
    copy("2022-01-01T00:00:00+00:00", "legacy"),
    copy("2022-01-02T00:00:00+00:00", "complete"),
    copy("2022-01-03T00:00:00+00:00", "complete"),
    copy("2022-01-04T00:00:00+00:00", "incomplete"),
  ];

  test("takes the latest complete copy, never a newer incomplete one", () => {
    expect(pickCopy("t", copies).prefix).toBe("2022-01-03T00:00:00+00:00");
  });

  test("a named copy is taken, a legacy one included", () => {
    expect(pickCopy("t", copies, "2022-01-01T00:00:00+00:00").state).toBe("legacy");
  });

  test("refuses a named incomplete copy", () => {
    expect(() => pickCopy("t", copies, "2022-01-04T00:00:00+00:00")).toThrow(/incomplete/);
  });

  test("an unknown prefix is a usage error listing the copies", () => {
    const e = (() => { try { pickCopy("t", copies, "nope"); } catch (e) { return e; } })();
    expect(e).toBeInstanceOf(SelectionError);
    expect((e as Error).message).toContain("2022-01-02T00:00:00+00:00");
  });

  test("with only legacy copies, says they can be named", () => {
    const e = (() => { try { pickCopy("t", [copies[0]!]); } catch (e) { return e; } })();
    expect(e).toBeInstanceOf(TaskError);
    expect((e as Error).message).toMatch(/no complete copy.*legacy.*--copy/);
  });
});

describe("choosing objects", () => {
  test("all objects when none is named", () => {
    expect(pickPaths("p", ["a", "b"], [])).toEqual(["a", "b"]);
  });
  test("names every path the copy lacks", () => {
    expect(() => pickPaths("p", ["a", "b"], ["a", "x", "y"])).toThrow(/"x", "y"/);
  });
});

describe("apply order", () => {
  test("groups come after the groups they depend on; config order within a group", () => {
    const groups = [
      { id: "default", depends: ["schema"] },
      { id: "schema", depends: ["base"] },
      { id: "base", depends: [] },
    ];
    expect(groupOrder(groups)).toEqual(["base", "schema", "default"]);
    const t = task([obj("z"), obj("data2", "schema"), obj("data1", "schema"), obj("core", "base")], groups);
    expect(applyOrder(t, ["z", "data1", "extra-unknown", "core", "data2"])).toEqual(["core", "data2", "data1", "z", "extra-unknown"]);
  });
});

describe("restore pipelines", () => {
  test("objects without a restore pipeline are refused, each named", () => {
    const t = task([obj("db.sql.zst", "default", [exec("zstd", "-d")]), obj("os-release"), obj("lsblk.json")]);
    expect(() => restorePipelines(t, ["db.sql.zst", "os-release", "lsblk.json"])).toThrow(/os-release, lsblk\.json.*--to DIR/);
    expect([...restorePipelines(t, ["db.sql.zst"]).keys()]).toEqual(["db.sql.zst"]);
  });
});
