/**
 * A custom backend written in the config, as the README shows: a Store over
 * one JSON file (about 50 lines), driven through the real CLI — run,
 * rotation, rollback of a failing run, list, verify and restore.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { faultProject, q, runPalhm, scratch } from "../faults/_support.ts";

const tmp = scratch("custom-backend");
afterAll(() => tmp.dispose());

/** The Store of the test: every key and its bytes (base64) in one JSON file. */
const STORE = (file: string) => `
import { readFileSync, writeFileSync, renameSync } from "node:fs";
import { KeyExistsError, KeyNotFoundError, type Sink, type Store } from "palhm";

function jsonFileStore(file: string): Store {
  const load = (): Record<string, string> => { try { return JSON.parse(readFileSync(file, "utf8")); } catch { return {}; } };
  const save = (all: Record<string, string>) => { writeFileSync(file + ".tmp", JSON.stringify(all)); renameSync(file + ".tmp", file); };
  const under = (dir: string) => Object.entries(load()).filter(([k]) => k.startsWith(dir));
  return {
    capabilities: {},
    location: (key) => \`json:\${file}#\${key}\`,
    async listDirs(dir) {
      return [...new Set(under(dir).map(([k]) => k.slice(dir.length)).filter((k) => k.includes("/")).map((k) => k.split("/")[0]!))];
    },
    async *list(dir) {
      for (const [key, b64] of under(dir)) yield { key, size: BigInt(Buffer.from(b64, "base64").length) };
    },
    async openSink(key): Promise<Sink> {
      const chunks: Buffer[] = [];
      return {
        write: (chunk) => void chunks.push(Buffer.from(chunk)),
        close: async () => save({ ...load(), [key]: Buffer.concat(chunks).toString("base64") }),
        abort: async () => {},
      };
    },
    async put(key, data, options) {
      const all = load();
      const folder = key.slice(0, key.lastIndexOf("/") + 1);
      if (options?.ifAbsent && Object.keys(all).some((k) => k.startsWith(folder))) throw new KeyExistsError(key);
      save({ ...all, [key]: Buffer.from(data).toString("base64") });
    },
    async read(key) {
      const b64 = load()[key];
      if (b64 === undefined) throw new KeyNotFoundError(key, \`json:\${file}#\${key}\`);
      return new Blob([Buffer.from(b64, "base64")]).stream();
    },
    async remove(keys) {
      const all = load();
      for (const k of keys) delete all[k];
      save(all);
    },
  };
}
const store = jsonFileStore(${q(file)});
`;

/** A project in `d` whose backup task stores into the JSON file `file`. */
function project(d: string, file: string, objects: string, extra = "") {
  const p = faultProject(d, `{ backup: { type: "backup", backend: { type: "custom", name: "json-file", impl: store, nbCopyLimit: 2 }, objects: ${objects}${extra} } }`);
  // The store's code goes at the top of the config faultProject wrote.
  const text = readFileSync(p.config, "utf8");
  writeFileSync(p.config, text.replace('import { defineConfig } from "palhm";', `import { defineConfig } from "palhm";\n${STORE(file)}`));
  return { p, file, keys: () => (existsSync(file) ? Object.keys(JSON.parse(readFileSync(file, "utf8"))).sort() : []) };
}

const good = `[{ path: "etc/motd", pipeline: [{ argv: ["echo", "hello from the custom store"] }], restore: [{ argv: ["sh", "-c", "cat > \\"$0\\"", "RESTORED"] }] }]`;

describe("a custom backend written in the config (a Store over a JSON file)", () => {
  test("run, rotation, rollback, list, verify and restore through the real CLI", async () => {
    const d = tmp.next();
    const file = join(d, "store.json");
    const { p, keys } = project(join(d, "good"), file, good);
    for (let i = 0; i < 3; i++) {
      const r = await runPalhm(p, ["run", "backup"]);
      expect(r.stderr).not.toContain("internal error");
      expect(r.status).toBe(0);
    }
    const list = JSON.parse((await runPalhm(p, ["list", "backup", "--json"])).stdout);
    expect(list.copies.map((c: { state: string }) => c.state)).toEqual(["complete", "complete"]); // rotation kept 2 of 3
    expect(list.root).toContain("json:");
    const before = keys();

    const failing = project(join(d, "failing"), file, `[{ path: "bad", pipeline: [{ argv: ["sh", "-c", "echo partial; exit 3"] }] }]`);
    const r = await runPalhm(failing.p, ["run", "backup"]);
    expect(r.status).toBe(1);
    expect(keys()).toEqual(before); // rolled back: nothing of the failed copy is left

    const verify = await runPalhm(p, ["verify", "backup", "--all"]);
    expect(verify.status).toBe(0);
    expect(verify.stdout).toMatch(/ok +1 object matches the manifest$/m);

    const restored = await runPalhm(p, ["restore", "backup"]);
    expect(restored.status).toBe(0);
    expect(readFileSync(join(p.dir, "RESTORED"), "utf8")).toBe("hello from the custom store\n");
    const to = await runPalhm(p, ["restore", "backup", "--to", join(d, "files")]);
    expect(to.status).toBe(0);
    expect(readFileSync(join(d, "files", "etc/motd"), "utf8")).toBe("hello from the custom store\n");
  }, 60_000);

  test("an impl that is not a Store is a config error (exit 2) naming what it lacks; nothing runs", async () => {
    const d = tmp.next();
    const p = faultProject(d, `{ backup: { type: "backup", backend: { type: "custom", impl: { list() {}, put() {} } as any }, objects: [{ path: "a", pipeline: [{ argv: ["echo", "a"] }] }] } }`);
    const r = await runPalhm(p, ["run", "backup"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("tasks.backup.backend.impl");
    expect(r.stderr).toContain("location(), listDirs(), openSink(), read(), remove() missing");
    expect(r.stderr).not.toContain("internal error");
    expect(p.journalLines()).toEqual([]);
  });
});
