// Runs one exec through runExec with the verbosity given, so a test can look at this process's own stdout/stderr.
import { runExec } from "../../../src/exec/spawn.ts";
import { parseEc } from "../../../src/exec/ec.ts";

const [verbosity, vlStdout, vlStderr, ec, ...argv] = process.argv.slice(2);
try {
  await runExec(
    { argv, env: { PALHM_FIXTURE: "set" }, ec: parseEc(ec!), vlStdout: Number(vlStdout), vlStderr: Number(vlStderr) },
    { signal: new AbortController().signal, verbosity: Number(verbosity), label: "task maint, steps[0]" },
  );
} catch (e) {
  process.stderr.write(`ERROR ${(e as Error).message}\n`);
  process.exit(1);
}
