/**
 * What counts as a secret, in one place: every output that shows an exec
 * (`palhm config`, `--dry-run` plans, error messages) masks through here.
 */
export const MASK = "***";

const SECRET_NAME = /SECRET|PASS|PWD|TOKEN|KEY|CREDENTIAL|AUTH/i;

/** Whether an environment variable's (or an option's) value must not be shown. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** Masks the value of env variables named like secrets. */
export function maskEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, isSecretName(k) ? MASK : v]));
}

/**
 * Masks secrets passed as arguments: `--password=X`, `--token X`-style pairs,
 * and mysql's `-pX`. The option name is kept so the reader sees what was masked.
 */
export function maskArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const long = /^(--?[\w-]+)=(.*)$/.exec(a);
    if (long && isSecretName(long[1]!)) out.push(`${long[1]}=${MASK}`);
    else if (/^-p.+/.test(a) && i > 0 && /mysql|mariadb/.test(argv[0]!)) out.push(`-p${MASK}`);
    else if (/^--[\w-]+$/.test(a) && isSecretName(a) && i + 1 < argv.length && !argv[i + 1]!.startsWith("-")) {
      out.push(a, MASK);
      i++;
    } else out.push(a);
  }
  return out;
}
