/** Runs the real CLI, `palhm [ARGS] -f FILE boot-report`, on a config written to a temp dir. */
import type { BootReport } from "../../src/config/types.ts";
import { cleanEnv, palhm, type CliResult } from "../_support/cli.ts";
import { tempDir } from "../_support/tmp.ts";

/** `bootReport` as a plain palhm.config.ts; or the config file's whole text, named `file`. */
export type ConfigText = BootReport | { readonly file: string; readonly text: string };

export async function bootReportCli(config: ConfigText, env: Record<string, string | undefined> = cleanEnv(), args: string[] = []): Promise<CliResult> {
  using dir = tempDir("boot-report");
  const { file, text } =
    "text" in config ? config : { file: "palhm.config.ts", text: `export default ${JSON.stringify({ bootReport: config })};\n` };
  return await palhm([...args, "-f", dir.write({ [file]: text }), "boot-report"], { env });
}
