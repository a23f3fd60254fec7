// expect: 56-ts-exported-promise-never-settles.ts: its exported promise did not settle within 1s
// env: PALHM_CONFIG_TIMEOUT=1
import { defineConfig } from "palhm";

const never = new Promise<string>(() => {});
// Keeps the event loop busy, as a polling client would.
setInterval(() => {}, 1000);

export default never.then((root) =>
  defineConfig({
    tasks: { backup: { type: "backup", backend: { type: "localfs", root }, objects: [{ path: "x", pipeline: [{ argv: ["printf", "x"] }] }] } },
  }),
);
