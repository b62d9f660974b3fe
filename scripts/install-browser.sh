#!/usr/bin/env bash
# Installs the browser that the web console's tests drive: Debian's `chromium` and
# `chromium-driver` packages (/usr/bin/chromium and /usr/bin/chromedriver), with apt-get,
# when either binary is missing. Runs `apt-get update` only when the first install attempt
# fails (an empty or stale package list).
#
# Idempotent: does nothing when both binaries are present.
# Quiet on success apart from a one-line summary.
#
# Exit status: 0 on success, 1 when the packages cannot be installed.
set -euo pipefail

readonly CHROMIUM=/usr/bin/chromium
readonly CHROMEDRIVER=/usr/bin/chromedriver

case "${1:-}" in
  -h | --help)
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  "") ;;
  *)
    echo "install-browser.sh: unknown argument: $1" >&2
    exit 2
    ;;
esac

err() { echo "install-browser.sh: ERROR: $*" >&2; }

summary() {
  echo "install-browser.sh: $("$CHROMIUM" --version 2>/dev/null | head -n 1) with $("$CHROMEDRIVER" --version 2>/dev/null | cut -d' ' -f1-2)"
}

if [[ -x "$CHROMIUM" && -x "$CHROMEDRIVER" ]]; then
  summary
  exit 0
fi

SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo > /dev/null 2>&1; then
    SUDO=(sudo -n)
  else
    err "chromium or chromedriver is missing and this script is neither root nor has sudo;" \
      "install the Debian packages 'chromium' and 'chromium-driver' and rerun."
    exit 1
  fi
fi

LOG="$(mktemp "${TMPDIR:-/tmp}/microstore-browser-install.XXXXXX")"
trap 'rm -f "$LOG"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! "${SUDO[@]}" apt-get install -y -q --no-install-recommends chromium chromium-driver > "$LOG" 2>&1; then
  if ! "${SUDO[@]}" apt-get update -q >> "$LOG" 2>&1 ||
    ! "${SUDO[@]}" apt-get install -y -q --no-install-recommends chromium chromium-driver >> "$LOG" 2>&1; then
    err "apt-get install -y chromium chromium-driver failed; apt's output ends with:"
    tail -n 25 "$LOG" | sed 's/^/    /' >&2
    exit 1
  fi
fi
if [[ ! -x "$CHROMIUM" || ! -x "$CHROMEDRIVER" ]]; then
  err "the packages were installed but $CHROMIUM or $CHROMEDRIVER is still missing"
  exit 1
fi
summary
