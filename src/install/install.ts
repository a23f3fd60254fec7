/**
 * `palhm install`: puts a compiled palhm on a host, as `make install` would,
 * under DESTDIR (for packaging and tests) and PREFIX:
 *
 *   PREFIX/bin/palhm                       the binary (replaced)
 *   PREFIX/share/palhm/config/             core execs, hooks, units, crontab, starter (replaced: palhm's own)
 *   /etc/palhm/palhm.config.ts             the starter config, only if there is none
 *   /etc/palhm/tsconfig.json, .palhm/types editor support (palhm init)
 *   /etc/palhm/hooks.d/                    the hooks directory
 *   /etc/systemd/system/palhm-failure@.service, palhm-boot-report.service   only if missing
 *
 * Running it again gives the same result and never overwrites the user's files.
 */
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { replaceFile, type FileContent } from "../atomic-file.ts";
import { TaskError } from "../errors.ts";
import { shippedConfig } from "./embed.ts" with { type: "macro" };
import { initDir } from "./init.ts";

const _SHIPPED = shippedConfig();
/** The path the shipped units and crontab name the binary by. */
const _SHIPPED_BIN = "/usr/local/bin/palhm";
/** The units installed into the unit directory (the backup units come from `palhm schedule install`). */
const _UNITS = ["palhm-failure@.service", "palhm-boot-report.service"];

export interface InstallOptions {
  /** The binary to install. */
  readonly binary: string;
  /** @default "/usr/local" */
  readonly prefix: string;
  /** Prepended to every path written (staged installs). @default "" */
  readonly destdir: string;
  /** @default "/etc/palhm" */
  readonly configDir: string;
  /** @default "/etc/systemd/system" */
  readonly unitDir: string;
}

export interface InstallResult {
  /** Paths written or replaced (as on the target host, without DESTDIR). */
  readonly written: readonly string[];
  /** The user's files left as they were. */
  readonly kept: readonly string[];
}

/** Replaces `file` at once (src/atomic-file.ts): a running palhm keeps its binary, and a reader never sees half a file. */
function _atomically(file: string, content: FileContent, mode: number): void {
  try {
    replaceFile(file, content, mode);
  } catch (e) {
    throw new TaskError(`cannot install ${file}: ${(e as Error).message}`);
  }
}

export function install(options: InstallOptions): InstallResult {
  const at = (path: string) => join(options.destdir || "/", path);
  const written: string[] = [];
  const kept: string[] = [];
  const bin = join(options.prefix, "bin/palhm");

  _atomically(at(bin), { copyOf: options.binary }, 0o755);
  written.push(bin);

  const share = join(options.prefix, "share/palhm/config");
  try {
    rmSync(at(share), { recursive: true, force: true });
  } catch (e) {
    throw new TaskError(`cannot replace ${at(share)}: ${(e as Error).message}`);
  }
  for (const [rel, file] of Object.entries(_SHIPPED)) {
    _atomically(at(join(share, rel)), file.text.replaceAll(_SHIPPED_BIN, bin), file.mode);
  }
  written.push(`${share}/`);

  try {
    const init = initDir(at(options.configDir));
    for (const f of init.written) written.push(join(options.configDir, f));
    for (const f of init.kept) kept.push(join(options.configDir, f));
    mkdirSync(at(join(options.configDir, "hooks.d")), { recursive: true, mode: 0o755 });
  } catch (e) {
    throw new TaskError(`cannot set up ${at(options.configDir)}: ${(e as Error).message}`);
  }

  for (const unit of _UNITS) {
    const path = join(options.unitDir, unit);
    if (existsSync(at(path))) {
      kept.push(path);
      continue;
    }
    _atomically(at(path), _SHIPPED[`systemd/${unit}`]!.text.replaceAll(_SHIPPED_BIN, bin), 0o644);
    written.push(path);
  }
  return { written, kept };
}
