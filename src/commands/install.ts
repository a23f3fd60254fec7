import { defineCommand } from "citty";
import { resolve } from "node:path";
import { UsageError } from "../errors.ts";
import { log } from "../log.ts";

export default defineCommand({
  meta: {
    name: "install",
    description:
      "Install this palhm binary on the host: PREFIX/bin/palhm, the shipped config/ under PREFIX/share/palhm, a starter /etc/palhm/palhm.config.ts (never overwritten) with editor support, and the failure and boot-report systemd units (if missing); under DESTDIR for a staged install",
  },
  args: {
    prefix: { type: "string", description: "Installation prefix (default /usr/local)", valueHint: "DIR" },
    destdir: { type: "string", description: "Staging root prepended to every path (default $DESTDIR, else none)", valueHint: "DIR" },
    configDir: { type: "string", description: "Config directory (default /etc/palhm)", valueHint: "DIR" },
    unitDir: { type: "string", description: "systemd unit directory (default /etc/systemd/system)", valueHint: "DIR" },
    bin: { type: "string", description: "The binary to install (default: this one, when it is the compiled binary)", valueHint: "FILE" },
  },
  async run({ args }) {
    const { isCompiled } = await import("../install/self.ts");
    if (args.bin === undefined && !isCompiled()) {
      throw new UsageError("palhm runs from source here: build the binary (bun run build) and run dist/palhm install, or give --bin FILE");
    }
    for (const [name, value] of [["--prefix", args.prefix], ["--config-dir", args.configDir], ["--unit-dir", args.unitDir]] as const) {
      if (value !== undefined && !value.startsWith("/")) throw new UsageError(`${name} must be an absolute path (it is the path on the installed host), got ${JSON.stringify(value)}`);
    }
    const { install } = await import("../install/install.ts");
    const destdir = args.destdir ?? process.env.DESTDIR ?? "";
    const result = install({
      binary: args.bin !== undefined ? resolve(args.bin) : process.execPath,
      prefix: args.prefix ?? "/usr/local",
      destdir: destdir === "" ? "" : resolve(destdir),
      configDir: args.configDir ?? "/etc/palhm",
      unitDir: args.unitDir ?? "/etc/systemd/system",
    });
    for (const f of result.kept) log.info(`${f} exists: kept as it is`);
    process.stdout.write(`installed ${result.written.join(", ")}${destdir ? ` under ${resolve(destdir)}` : ""}\n`);
    process.stdout.write("next: edit the config, then palhm check; palhm schedule install; systemctl enable palhm-boot-report.service\n");
    return 0;
  },
});
