import { describe, expect, test, afterAll } from "bun:test";
import { closeSync, mkdtempSync, openSync, readFileSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runPipeline } from "../../src/exec/pipeline.ts";
import { ex, sh, execFailure } from "../_support/context.ts";
import { isGone } from "../_support/process.ts";

const dir = mkdtempSync(join(tmpdir(), "palhm-pipeline-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const live = () => new AbortController().signal;

async function collect(execs: Parameters<typeof runPipeline>[0], extra: Partial<Parameters<typeof runPipeline>[1]> = {}): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  await runPipeline(execs, { signal: live(), verbosity: 0, label: "test", onChunk: (c) => void chunks.push(c.slice()), ...extra });
  return Buffer.concat(chunks);
}


describe("pipeline", () => {
  test("children are connected by one kernel pipe that palhm itself does not hold", async () => {
    const f1 = join(dir, "fd1");
    const f2 = join(dir, "fd0");
    let parentFds: string[] = [];
    const chunks: Buffer[] = [];
    await runPipeline(
      [sh(`l=$(readlink /proc/$$/fd/1); echo "$l" > "$0"; echo hello`, {}, f1), sh(`l=$(readlink /proc/$$/fd/0); echo "$l" > "$0"; exec cat`, {}, f2)],
      {
        signal: live(), verbosity: 0, label: "test",
        onChunk: (c) => {
          // Both children have recorded their fds before any byte reaches the sink.
          if (chunks.length === 0) parentFds = readdirSync("/proc/self/fd").map((fd) => { try { return readlinkSync(`/proc/self/fd/${fd}`); } catch { return ""; } });
          chunks.push(Buffer.from(c));
        },
      },
    );
    const out = readFileSync(f1, "utf8").trim();
    const inn = readFileSync(f2, "utf8").trim();
    expect(out).toMatch(/^pipe:\[\d+\]$/);
    expect(inn).toBe(out);
    expect(parentFds).not.toContain(out);
    expect(Buffer.concat(chunks).toString()).toBe("hello\n");
  });

  test("bytes arrive intact through several processes", async () => {
    const src = join(dir, "src.bin");
    await Bun.write(src, crypto.getRandomValues(new Uint8Array(3_000_000)));
    const out = await collect([ex(["cat", src]), ex(["cat"]), ex(["zstd", "-1", "-q"]), ex(["zstd", "-d", "-q"])]);
    expect(out.equals(readFileSync(src))).toBe(true);
  });

  test("an empty output reaches the sink as no bytes", async () => {
    expect((await collect([ex(["true"])])).length).toBe(0);
  });

  test("an exit code inside the accepted range passes", async () => {
    await collect([sh("echo x; exit 1", { ec: "0-1" }), sh("cat; exit 1", { ec: "<2" })]);
  });

  test("an exit code outside the range names the object, the argv, the code and the range", async () => {
    const e = await execFailure(collect([ex(["echo", "hi"]), sh("cat >/dev/null; exit 2", { ec: "<2" })], { label: 'task backup, object "db.sql"', objectPath: "db.sql" }));
    // `echo` closes its stdout a moment before it exits: it may still be running when the failure stops the
    // pipeline, and is then named after the cause as stopped by palhm. The cause comes first either way.
    expect(e.message).toMatch(/^task backup, object "db\.sql": `sh -c 'cat >\/dev\/null; exit 2'` exited with code 2 \(accepted: <2, i\.e\. 0\.\.1\)(; `echo hi` was killed by SIGTERM when palhm stopped the pipeline)?$/);
    expect(e.exitStatus).toBe(2);
    expect(e.objectPath).toBe("db.sql");
    expect(e.exitCode).toBe(1);
  });

  test("an upstream process killed by SIGPIPE is reported as a consequence of the failure after it", async () => {
    // The upstream ignores SIGTERM, so only the broken pipe can end it.
    const e = await execFailure(collect([sh(`trap "" TERM; exec yes`), sh("head -c 10 >/dev/null; exit 3")]));
    expect(e.message).toBe("test: `sh -c 'head -c 10 >/dev/null; exit 3'` exited with code 3 (accepted: ==0); `sh -c 'trap \"\" TERM; exec yes'` was killed by SIGPIPE because `sh -c 'head -c 10 >/dev/null; exit 3'` failed");
    expect(e.argv[2]).toBe("head -c 10 >/dev/null; exit 3");
  });

  test("a program that cannot be found fails the pipeline and stops the others", async () => {
    const t0 = performance.now();
    const e = await execFailure(collect([ex(["sleep", "30"]), ex(["palhm-no-such-program", "-x"])]));
    expect(e.message).toContain("`palhm-no-such-program -x` could not be started: program not found");
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  test("aborting stops every process, leaves none behind, and rejects with the reason", async () => {
    const ac = new AbortController();
    const pids: number[] = [];
    const reason = new Error("interrupted");
    let text = "";
    const run = runPipeline([sh("echo $$; exec sleep 30"), sh("echo $$; exec cat")], {
      signal: ac.signal, verbosity: 0, label: "test",
      onChunk: (c) => {
        text += new TextDecoder().decode(c);
        const got = text.split("\n").filter(Boolean);
        if (got.length === 2 && pids.length === 0) {
          pids.push(...got.map(Number));
          ac.abort(reason);
        }
      },
    });
    await expect(run).rejects.toBe(reason);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(isGone(pid)).toBe(true);
  });

  test("a failing sink stops the processes and its error is what the pipeline rejects with", async () => {
    const boom = new Error("disk full");
    let pid = 0;
    const run = runPipeline([sh("echo $$; exec yes")], {
      signal: live(), verbosity: 0, label: "test",
      onChunk: (c) => {
        pid ||= Number(new TextDecoder().decode(c).split("\n")[0]);
        throw boom;
      },
    });
    await expect(run).rejects.toBe(boom);
    expect(isGone(pid)).toBe(true);
  });

  test("a sink that fails while the last process is silent stops the pipeline without waiting for its output", async () => {
    const boom = new Error("disk full");
    let pid = 0;
    const run = runPipeline([sh("echo $$; exec sleep 30")], {
      signal: live(), verbosity: 0, label: "test",
      onChunk: (c) => {
        pid = Number(new TextDecoder().decode(c).trim());
        throw boom;
      },
    });
    await expect(run).rejects.toBe(boom);
    expect(isGone(pid)).toBe(true);
  });

  test("stdout can be a file descriptor: the last process writes straight into the file", async () => {
    const out = join(dir, "direct.out");
    const where = join(dir, "direct.fd1");
    const fd = openSync(out, "w");
    try {
      await runPipeline([ex(["seq", "1", "100000"]), sh(`l=$(readlink /proc/$$/fd/1); echo "$l" > "$0"; exec cat`, {}, where)], { signal: live(), verbosity: 0, label: "test", stdout: fd });
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(where, "utf8").trim()).toBe(out);
    expect(readFileSync(out, "utf8")).toBe(Bun.spawnSync(["seq", "1", "100000"]).stdout.toString());
  });

  test("stdin can be a stream fed by palhm (restore)", async () => {
    const stream = new Blob(["abc\n", "def\n"]).stream();
    expect((await collect([ex(["cat"]), ex(["tr", "a-z", "A-Z"])], { stdin: stream })).toString()).toBe("ABC\nDEF\n");
  });

  test("argv is passed without a shell and env is added to the inherited environment", async () => {
    const out = await collect([ex(["printenv", "PALHM_T", "HOME"], { env: { PALHM_T: "$HOME; ls" } })]);
    expect(out.toString()).toBe(`$HOME; ls\n${process.env.HOME}\n`);
  });
});
