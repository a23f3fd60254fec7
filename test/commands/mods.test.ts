/** `palhm mods` lists every custom backend the config defines, wherever a task stores copies with it. */
import { expect, test } from "bun:test";
import { palhm } from "../_support/cli.ts";
import { tempDir } from "../_support/tmp.ts";

const store = (name: string) => `{ type: "custom", name: "${name}", impl: {
  capabilities: {}, location: (k) => "${name}:" + k, listDirs: async () => [], list: async function* () {},
  openSink: async () => { throw new Error("read-only"); }, put: async () => {}, read: async () => { throw new Error("empty"); }, remove: async () => {},
} }`;

test("a custom backend used only as a fan-out destination or a replicate target is listed", async () => {
  const p = tempDir();
  try {
    const file = p.write({
      "palhm.config.ts": `export default { tasks: {
  web: { type: "backup", backends: [{ type: "localfs", root: "/nonexistent/palhm-mods" }, ${store("offsite")}], objects: [] },
  copy: { type: "replicate", from: "web", to: ${store("vault")} },
} };`,
    });
    const r = await palhm(["-f", file, "mods", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const m = JSON.parse(r.stdout);
    expect(m.backends.offsite).toBe('custom, used by task "web"');
    expect(m.backends.vault).toBe('custom, used by task "copy"');
  } finally {
    p.remove();
  }
});
