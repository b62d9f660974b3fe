# shellcheck shell=bash
# Source this file (`. scripts/nats-server-env.sh`) to point microstore's tests
# at the nats-server binaries that scripts/install-nats-server.sh installs:
#
#   MICROSTORE_NATS_SERVER         Debian stable's nats-server (on PATH or /usr/sbin)
#   MICROSTORE_NATS_SERVER_NEWEST  Debian testing's nats-server, unpacked under
#                                  ${MICROSTORE_CACHE:-$HOME/.cache/microstore}/nats-server/testing/
#
# A variable is exported only if its binary exists; a value that is already set
# and names an executable file is kept. Safe to source more than once; never exits.

__microstore_stable="${MICROSTORE_NATS_SERVER:-}"
if [ -z "$__microstore_stable" ] || [ ! -x "$__microstore_stable" ]; then
  __microstore_stable="$(command -v nats-server 2>/dev/null || true)"
  if [ -z "$__microstore_stable" ] && [ -x /usr/sbin/nats-server ]; then
    __microstore_stable=/usr/sbin/nats-server
  fi
fi
if [ -n "$__microstore_stable" ] && [ -x "$__microstore_stable" ]; then
  export MICROSTORE_NATS_SERVER="$__microstore_stable"
fi

__microstore_newest="${MICROSTORE_NATS_SERVER_NEWEST:-}"
if [ -z "$__microstore_newest" ] || [ ! -x "$__microstore_newest" ]; then
  __microstore_newest="${MICROSTORE_CACHE:-${HOME:-}/.cache/microstore}/nats-server/testing/nats-server"
fi
if [ -x "$__microstore_newest" ]; then
  export MICROSTORE_NATS_SERVER_NEWEST="$__microstore_newest"
fi

unset __microstore_stable __microstore_newest
