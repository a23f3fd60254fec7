/**
 * A resolved config as plain data for people (`palhm config`): maps become
 * objects, big integers strings, functions their names, exit code ranges
 * their text; and secrets are masked, since the output lands in terminals,
 * tickets and mails.
 */
import { descriptorOf } from "../backends/registry.ts";
import type { ResolvedBackendParam, ResolvedConfig, ResolvedExec, ResolvedHooks, ResolvedTask } from "./resolved.ts";

import { isSecretName, MASK, maskArgv, maskEnv } from "../secrets.ts";
import { displayMonitoring } from "../monitor/display.ts";

function _exec(e: ResolvedExec): Record<string, unknown> {
  return {
    ...(e.id === undefined ? {} : { id: e.id }),
    argv: maskArgv(e.argv),
    ...(Object.keys(e.env).length ? { env: maskEnv(e.env) } : {}),
    ec: e.ec.text,
    vlStderr: e.vlStderr,
    vlStdout: e.vlStdout,
  };
}

function _hooks(h: ResolvedHooks): Record<string, unknown> | undefined {
  const out: Record<string, Record<string, string[]>> = {};
  for (const [op, states] of Object.entries(h)) {
    for (const [state, fns] of Object.entries(states)) {
      if (fns.length) (out[op] ??= {})[state] = fns.map((f) => f.name + (f.timeout ? ` (timeout ${f.timeout}s)` : ""));
    }
  }
  return Object.keys(out).length ? out : undefined;
}

const _limit = (l: bigint | null) => (l === null ? "inf" : l.toString());

function _backend(b: ResolvedBackendParam): Record<string, unknown> {
  const backend: Record<string, unknown> = { ...b, ...descriptorOf(b).display?.(b) };
  if ("nbCopyLimit" in b) backend.nbCopyLimit = _limit(b.nbCopyLimit);
  if ("rootSizeLimit" in b) backend.rootSizeLimit = _limit(b.rootSizeLimit);
  return backend;
}

function _task(t: ResolvedTask): Record<string, unknown> {
  if (t.type === "routine") {
    return {
      type: "routine",
      steps: t.steps.map((s) => {
        switch (s.kind) {
          case "exec":
            return { exec: _exec(s.exec) };
          case "task":
            return { task: s.task };
          case "sigmask":
            return { builtin: "sigmask", param: s.param };
          case "fn":
            return { function: s.name };
        }
      }),
    };
  }
  if (t.type === "replicate") return { type: "replicate", from: t.from, to: _backend(t.to), copies: t.copies };
  const backend = _backend(t.backend);
  const hooks = _hooks(t.hooks);
  return {
    type: "backup",
    backend,
    groups: t.groups,
    objects: t.objects.map((o) => ({
      path: o.path,
      group: o.group,
      ...(o.allocSize === undefined ? {} : { allocSize: o.allocSize.toString() }),
      pipeline: o.pipeline.map(_exec),
      ...(o.restore ? { restore: o.restore.map(_exec) } : {}),
    })),
    ...(hooks ? { hooks } : {}),
  };
}

/** mailx options such as `smtp-auth-password=...` are masked like argv secrets. */
function _mua(m: NonNullable<ResolvedConfig["bootReport"]>["mua"]): unknown {
  if (m.type === "custom") return { type: "custom", impl: m.impl.type };
  if (m.type !== "mailx") return m;
  return { ...m, intOpts: m.intOpts.map((o) => o.replace(/^([\w-]+)(@[^=]*)?=.*$/s, (all, name: string, at = "") => (isSecretName(name) ? `${name}${at}=${MASK}` : all))) };
}

/** The resolved config as plain, secret-free data. */
export function displayConfig(c: ResolvedConfig): Record<string, unknown> {
  const hooks = _hooks(c.hooks);
  const br = c.bootReport;
  return {
    // The file that was loaded (found by -f, $PALHM_CONFIG or the lookup), then every file merged.
    ...(c.file ? { file: c.file } : {}),
    sources: c.sources,
    workers: c.workers,
    verbosity: c.verbosity,
    hooksDir: c.hooksDir,
    ...(hooks ? { hooks } : {}),
    execs: Object.fromEntries([...c.execs].map(([id, e]) => [id, _exec(e)])),
    tasks: Object.fromEntries([...c.tasks].map(([id, t]) => [id, { ..._task(t), ...(t.schedule === undefined ? {} : { schedule: t.schedule }) }])),
    ...(br ? { bootReport: { ...br, mua: _mua(br.mua) } } : {}),
    ...(c.monitoring ? { monitoring: displayMonitoring(c.monitoring) } : {}),
  };
}
