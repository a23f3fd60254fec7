/** The rclone backend: copies on any rclone remote. The store is in store.ts, loaded when a task opens it. */
import type * as v from "valibot";
import type { BackendDescriptor, ParamSite } from "../descriptor.ts";
import { resolveRotation } from "../rotation-params.ts";
import { getVerbosity } from "../../log.ts";
import { rcloneSchema, type ResolvedRcloneParam } from "./params.ts";

/** Flags whose value is a secret (`--sftp-pass`, `--s3-secret-access-key`, `--b2-key`, `--webdav-bearer-token`, `--drive-service-account-credentials`...; not `--ask-password`). */
const _SECRET_FLAG = /^--(?![a-z0-9-]*ask-password$)[a-z0-9-]+-(pass|password|key|key-pem|secret-access-key|client-secret|customer-key|token|bearer-token|sas-url|service-account-credentials)$/;
/** A connection-string parameter (`:sftp,host=h,pass=x:path`, `:s3,...,session_token=x:bucket`) that is a secret. */
const _SECRET_PARAM = /^(pass|password|key|key_pem|secret_access_key|session_token|client_secret|token|bearer_token|sas_url|service_account_credentials)$/;
/**
 * Flags that would change what rclone lists, reads or deletes (filters, a dry
 * run, limits, prompts): rotation would miscount copies, a removal would do
 * nothing. `--flag=value` and `--flag value` alike.
 */
const _UNSAFE_FLAG =
  /^(--(include|exclude|filter)(-from)?|--files-from(-raw)?|--(min|max)-(size|age)|--max-depth|--max-delete|--max-transfer|--max-duration|--exclude-if-present|--ignore-case|--dry-run|--interactive|-n|-i)$/;
const _ELSEWHERE = "put it in the rclone config file (`config`) or an RCLONE_CONFIG_<REMOTE>_<OPTION> variable instead";

function _remote(remote: string, at: ParamSite): string {
  if (remote.includes("\0")) at.fail("remote", "remote cannot contain NUL");
  const colon = remote.indexOf(":", remote.startsWith(":") ? 1 : 0);
  if (colon <= 0 || remote.slice(0, colon).includes("/")) {
    at.fail("remote", `"${remote}" names no rclone remote: expected NAME:PATH, e.g. "sftp-host:backups/web1"`);
  }
  for (const p of remote.slice(0, colon).split(",").slice(1)) {
    const name = p.split("=")[0]!.trim().toLowerCase();
    if (_SECRET_PARAM.test(name)) at.fail("remote", `the connection string holds a secret (${name}=), which rclone's command line would show to every user of the host; ${_ELSEWHERE}`);
  }
  // "host:/" (the server's root) is not "host:" (the login's home).
  const path = remote.slice(colon + 1);
  const trimmed = path.replace(/\/+$/, "");
  return remote.slice(0, colon + 1) + (trimmed === "" && path.startsWith("/") ? "/" : trimmed);
}

function _flags(flags: readonly string[], at: ParamSite): string[] {
  flags.forEach((f, i) => {
    if (f.includes("\0")) at.fail("flags", `flags[${i}] cannot contain NUL`);
    const name = f.split("=")[0]!;
    if (_UNSAFE_FLAG.test(name)) at.fail("flags", `${name} (flags[${i}]) would change what rclone lists, reads or deletes, which palhm's copies rely on`);
    if (_SECRET_FLAG.test(name)) at.fail("flags", `${name} (flags[${i}]) carries a secret, which rclone's command line would show to every user of the host; ${_ELSEWHERE}`);
  });
  return [...flags];
}

export const rcloneBackend: BackendDescriptor<v.InferOutput<typeof rcloneSchema>, ResolvedRcloneParam> = {
  type: "rclone",
  summary: "copies on any rclone remote: SFTP, WebDAV, GCS, Azure Blob, B2... (the rclone program)",
  resolve(b, at) {
    if (b.config !== undefined && (b.config === "" || b.config.includes("\0"))) at.fail("config", "config must be a file path");
    return {
      type: "rclone",
      remote: _remote(b.remote, at),
      ...(b.config === undefined ? {} : { config: b.config }),
      flags: _flags(b.flags ?? [], at),
      ...resolveRotation(b, at),
    };
  },
  async open(param, ctx) {
    const { RcloneStore } = await import("./store.ts");
    return new RcloneStore(param, { signal: ctx.signal, verbosity: getVerbosity() });
  },
  describe: (p) => p.remote,
  lockKey: (p) => `rclone:${p.config ?? ""}:${p.remote}`,
  rotation: (p) => p,
  programs: () => ["rclone"],
  details: (p) => [p.config && `config ${p.config}`, p.flags.length > 0 && `flags ${p.flags.join(" ")}`].filter((x): x is string => !!x),
};
