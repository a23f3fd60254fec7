// Item 4 of the PALHM drop-in: an included file's settings override the including file's, as PALHM merges them.
import { describe, expect, test } from "bun:test";
import { usePalhmProjects } from "./_project.ts";

const project = usePalhmProjects();

describe("include: PALHM's order for JSON configs, palhm's documented order for TS ones", () => {
  test('"vl", "nb-workers" and the boot report "subject" of included files override; "mail-to" lists the including file first', async () => {
    const p = project();
    const file = p.write({
      "palhm.conf": `{
  "include": [ "conf.d/core.json", "conf.d/site.json" ],
  "vl": 2,
  "nb-workers": 1,
  "boot-report": { "mua": "stdout", "mail-to": [ "root" ], "subject": "from palhm.conf" }
}`,
      "conf.d/core.json": `{ "vl": 4, "nb-workers": 3, "boot-report": { "mail-to": [ "core@example.com" ], "subject": "from core.json" } }`,
      "conf.d/site.json": `{ "vl": 5, "boot-report": { "mail-to": [ "site@example.com" ] } }`,
    });
    const r = await p.run(["-f", file, "config", "--json"]);
    expect(r.status).toBe(0);
    const c = JSON.parse(r.stdout);
    expect(c.verbosity).toBe(5);
    expect(c.workers).toBe(3);
    expect(c.bootReport.subject).toBe("from core.json");
    expect(c.bootReport.mailTo).toEqual(["root", "core@example.com", "site@example.com"]);
    expect(c.sources).toEqual([file, p.path("conf.d/core.json"), p.path("conf.d/site.json")]);

    // The report goes out with that subject and those recipients, in that order.
    const sent = await p.run(["-f", file, "boot-report"]);
    expect(sent.status).toBe(0);
    expect(sent.stdout.split("\n").slice(0, 4)).toEqual(["from core.json", "root", "core@example.com", "site@example.com"]);
  });

  test("a TS config's own settings win over what it includes; mailTo lists the included first", async () => {
    const p = project();
    const file = p.write({
      "palhm.config.ts": `import { defineConfig } from "palhm";
import core from "./core.ts";
export default defineConfig({ include: [core], verbosity: 2, bootReport: { mua: "stdout", mailTo: ["root"], subject: "from palhm.config.ts" } });
`,
      "core.ts": `import { defineConfig } from "palhm";
export default defineConfig({ verbosity: 4, workers: 3, bootReport: { mailTo: ["core@example.com"], subject: "from core.ts" } });
`,
    });
    const c = JSON.parse((await p.run(["-f", file, "config", "--json"])).stdout);
    expect(c.verbosity).toBe(2);
    expect(c.workers).toBe(3);
    expect(c.bootReport.subject).toBe("from palhm.config.ts");
    expect(c.bootReport.mailTo).toEqual(["core@example.com", "root"]);
  });
});
