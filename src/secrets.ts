/**
 * What counts as a secret, in one place: every output that shows an exec
 * (`palhm config`, `--dry-run` plans, error messages, `--json`) masks through here.
 */
export const MASK = "***";

const SECRET_NAME = /SECRET|PASS|PWD|TOKEN|KEY|CRED|AUTH|PRIVATE|SESSION|COOKIE|SIGNATURE|SALT|DSN/i;

/** `scheme://user:password@` or `scheme://token@`: the userinfo of a URL, wherever it is in a value. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@]*)@/gi;

/** Whether an environment variable's (or an option's) value must not be shown. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** `postgres://u:PASS@h/db` → `postgres://u:***@h/db`; a userinfo without a password (a token) is masked whole. */
export function maskUrls(value: string): string {
  return value.replace(URL_USERINFO, (_, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(":");
    return `${scheme}${colon >= 0 ? `${userinfo.slice(0, colon)}:${MASK}` : MASK}@`;
  });
}

/** Masks the value of env variables named like secrets, and the userinfo of URLs in the others. */
export function maskEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, isSecretName(k) ? MASK : maskUrls(v)]));
}

/**
 * Masks secrets passed as arguments: `--password=X`, `--token X`-style pairs
 * (even when X starts with "-"), mysql's `-pX`, and the userinfo of any URL.
 * The option name is kept so the reader sees what was masked.
 */
export function maskArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const long = /^(--?[\w-]+)=(.*)$/s.exec(a);
    if (long && isSecretName(long[1]!)) out.push(`${long[1]}=${MASK}`);
    else if (/^-p.+/s.test(a) && i > 0 && /mysql|mariadb/.test(argv[0]!)) out.push(`-p${MASK}`);
    else if (/^--[\w-]+$/.test(a) && isSecretName(a) && i + 1 < argv.length && !/^--[\w-]+(=|$)/.test(argv[i + 1]!)) {
      // The next argument is the value, unless it is itself a long option (a flag such as mysql's bare --password).
      out.push(a, MASK);
      i++;
    } else out.push(maskUrls(a));
  }
  return out;
}
