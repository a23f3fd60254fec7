#!/bin/sh
# Sets up this checkout on a Debian or Ubuntu host: the Debian packages palhm
# runs (.ci/debian-packages), Bun, and the npm dependencies. Idempotent, quick
# when everything is there; works as root without a terminal (CI), or with
# sudo for a user.
#
#   ./setup.sh        everything the tests need (README's test command)
#   ./setup.sh run    only what palhm.config.ts's backup task runs (README's first command)
set -eu
cd "$(dirname "$0")"

BUN_VERSION=1.4.5
profile=${1:-test}
case $profile in
  run | test) ;;
  *) echo "usage: ./setup.sh [run | test]" >&2; exit 2 ;;
esac

say() { echo "setup: $*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else say "need root (or sudo) for: $*"; exit 1
  fi
}

apt_install() {
  say "installing Debian packages: $*"
  # A fresh machine has no package lists yet.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" </dev/null
}

# The package list: lines above "# tests:" are what the backup task runs; the rest serve the tests.
packages() {
  if [ "$profile" = run ]; then sed '/^# tests:/q' .ci/debian-packages; else cat .ci/debian-packages; fi |
    sed 's/#.*//; s/[[:space:]]//g; /^$/d'
}

if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  missing=""
  for p in $(packages); do
    case $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true) in
      *"ok installed"*) ;;
      *) missing="$missing $p" ;;
    esac
  done
  # shellcheck disable=SC2086 # one word per package
  if [ -n "$missing" ]; then apt_install $missing; fi
else
  say "not a Debian/Ubuntu host: install the equivalents of .ci/debian-packages yourself"
fi

if [ "$(bun --version 2>/dev/null || true)" != "$BUN_VERSION" ]; then
  if ! command -v npm >/dev/null 2>&1; then apt_install npm; fi
  say "installing Bun $BUN_VERSION"
  as_root npm install -g --no-fund --no-audit "bun@$BUN_VERSION" </dev/null
  hash -r 2>/dev/null || true
  found=$(bun --version 2>/dev/null || true)
  if [ "$found" != "$BUN_VERSION" ]; then
    say "npm installed Bun $BUN_VERSION, but the bun first in PATH ($(command -v bun || echo none)) is ${found:-not runnable}: put npm's global bin directory first in PATH"
    exit 1
  fi
fi

bun install --frozen-lockfile </dev/null
