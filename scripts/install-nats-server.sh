#!/usr/bin/env bash
# Installs the nats-server binaries that microstore's tests run against.
#
#   stable: Debian stable's nats-server package (2.9.x), installed with apt-get
#           unless `nats-server` is already on PATH or at /usr/sbin/nats-server.
#   newest: the nats-server package of Debian's *testing* suite, downloaded with
#           apt-get into a private temporary apt state (the machine's apt
#           configuration is left untouched) and unpacked into
#           ${MICROSTORE_CACHE:-$HOME/.cache/microstore}/nats-server/testing/,
#           with the binary at .../nats-server/testing/nats-server.
#
# Idempotent: does nothing when both binaries are present and run.
# Quiet on success apart from a final summary.
#
# Options:
#   --refresh   download the testing package again even if it is cached
#
# Environment:
#   MICROSTORE_CACHE                   cache root (default $HOME/.cache/microstore)
#   MICROSTORE_REQUIRE_NEWEST_SERVER   1 (default): fail when the testing binary
#                                      cannot be fetched; anything else: warn only
#
# Exit status: 0 on success, 1 when the stable binary cannot be installed or
# (with MICROSTORE_REQUIRE_NEWEST_SERVER=1) the testing binary cannot be fetched.
set -euo pipefail

readonly KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
readonly CACHE_ROOT="${MICROSTORE_CACHE:-${HOME:-/root}/.cache/microstore}"
readonly TESTING_DIR="$CACHE_ROOT/nats-server/testing"
readonly TESTING_BIN="$TESTING_DIR/nats-server"
readonly REQUIRE_NEWEST="${MICROSTORE_REQUIRE_NEWEST_SERVER:-1}"

refresh=0
for arg in "$@"; do
  case "$arg" in
    --refresh) refresh=1 ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "install-nats-server.sh: unknown argument: $arg" >&2
      exit 2
      ;;
  esac
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/microstore-nats-install.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

err() { echo "install-nats-server.sh: ERROR: $*" >&2; }
warn() { echo "install-nats-server.sh: WARNING: $*" >&2; }

# Prints the last lines of a log file to stderr, indented.
show_log() {
  if [[ -s "$1" ]]; then
    tail -n 25 "$1" | sed 's/^/    /' >&2
  fi
}

# Prints `<binary> --version` (e.g. "nats-server: v2.9.10"); fails if it does not run.
version_of() {
  local out
  out="$("$1" --version 2>&1)" || return 1
  [[ "$out" == *nats-server* ]] || return 1
  printf '%s\n' "$out" | head -n 1
}

SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo > /dev/null 2>&1; then
    SUDO=(sudo)
  fi
fi

# ---------------------------------------------------------------- stable ----
find_stable() {
  local candidate
  candidate="$(command -v nats-server 2> /dev/null || true)"
  if [[ -n "$candidate" && -x "$candidate" ]]; then
    printf '%s\n' "$candidate"
    return 0
  fi
  if [[ -x /usr/sbin/nats-server ]]; then
    printf '%s\n' /usr/sbin/nats-server
    return 0
  fi
  return 1
}

install_stable() {
  local log="$WORK/apt-stable.log"
  if [[ "$(id -u)" -ne 0 && ${#SUDO[@]} -eq 0 ]]; then
    err "nats-server is not installed and this script is neither root nor has sudo;" \
      "install the Debian package 'nats-server' (apt-get install -y nats-server) and rerun."
    return 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! "${SUDO[@]}" apt-get install -y -q nats-server > "$log" 2>&1; then
    if ! "${SUDO[@]}" apt-get update -q >> "$log" 2>&1 ||
      ! "${SUDO[@]}" apt-get install -y -q nats-server >> "$log" 2>&1; then
      err "apt-get install -y nats-server failed; apt's output ends with:"
      show_log "$log"
      return 1
    fi
  fi
}

if ! STABLE_BIN="$(find_stable)"; then
  install_stable || exit 1
  if ! STABLE_BIN="$(find_stable)"; then
    err "the nats-server package was installed but no nats-server binary was found" \
      "on PATH or at /usr/sbin/nats-server."
    exit 1
  fi
fi
if ! STABLE_VERSION="$(version_of "$STABLE_BIN")"; then
  err "$STABLE_BIN does not run ('$STABLE_BIN --version' failed)."
  exit 1
fi

# --------------------------------------------------------------- testing ----

# Prints the URI of the main Debian archive from the machine's own apt sources
# (deb822 *.sources files first, then one-line sources.list files).
debian_archive_uri() {
  local f uri
  local -a uris=()
  shopt -s nullglob
  for f in /etc/apt/sources.list.d/*.sources; do
    # Only enabled stanzas whose Types include "deb".
    while IFS= read -r uri; do
      uris+=("$uri")
    done < <(awk '
      function flush() {
        if (types ~ /(^|[ \t])deb([ \t]|$)/ && enabled !~ /^[ \t]*no/) {
          n = split(u, a, /[ \t]+/)
          for (i = 1; i <= n; i++) if (a[i] != "") print a[i]
        }
        types = ""; u = ""; enabled = ""
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      tolower($1) == "types:" { sub(/^[^:]*:[ \t]*/, ""); types = $0; next }
      tolower($1) == "uris:" { sub(/^[^:]*:[ \t]*/, ""); u = $0; next }
      tolower($1) == "enabled:" { sub(/^[^:]*:[ \t]*/, ""); enabled = tolower($0); next }
      END { flush() }
    ' "$f")
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -r "$f" ]] || continue
    while IFS= read -r uri; do
      uris+=("$uri")
    done < <(awk '
      /^[ \t]*deb[ \t]/ {
        i = 2
        if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
        if (i <= NF) print $i
      }
    ' "$f")
  done
  shopt -u nullglob
  # Prefer the main archive (".../debian"), never the security archive.
  for uri in "${uris[@]}"; do
    uri="${uri%/}"
    if [[ "$uri" =~ ^(https?|file|mirror\+[a-z]+)://.*/debian$ ]]; then
      printf '%s\n' "$uri"
      return 0
    fi
  done
  for uri in "${uris[@]}"; do
    uri="${uri%/}"
    if [[ "$uri" =~ ^(https?|file):// && "$uri" != *security* && "$uri" == *debian* ]]; then
      printf '%s\n' "$uri"
      return 0
    fi
  done
  return 1
}

# Downloads and unpacks the testing package into $TESTING_DIR; prints nothing on success.
fetch_testing() {
  local uri apt_dir log deb pkg_version stage link
  if ! uri="$(debian_archive_uri)"; then
    warn "no Debian archive URI found in /etc/apt/sources.list or /etc/apt/sources.list.d/."
    return 1
  fi
  apt_dir="$WORK/apt"
  log="$WORK/apt-testing.log"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/download"
  local signed_by=""
  if [[ -r "$KEYRING" ]]; then
    signed_by="[signed-by=$KEYRING] "
  fi
  printf 'deb %s%s testing main\n' "$signed_by" "$uri" > "$apt_dir/sources.list"

  local -a opts=(
    -q
    -o "Dir::Etc::sourcelist=$apt_dir/sources.list"
    -o "Dir::Etc::sourceparts=-"
    -o "Dir::State::Lists=$apt_dir/lists"
    -o "Dir::Cache=$apt_dir/cache"
    -o "APT::Get::List-Cleanup=0"
  )
  if [[ "$(id -u)" -eq 0 ]]; then
    # The private directories are not readable by apt's sandbox user.
    opts+=(-o "APT::Sandbox::User=root")
  fi

  if ! apt-get "${opts[@]}" --error-on=any update > "$log" 2>&1; then
    # A machine whose clock is off, or a pinned snapshot, makes the Release
    # file look expired or not yet valid; retry without that check.
    opts+=(-o "Acquire::Check-Valid-Until=false" -o "Acquire::Check-Date=false")
    if ! apt-get "${opts[@]}" --error-on=any update > "$log" 2>&1; then
      warn "apt-get update of Debian testing ($uri) failed; apt's output ends with:"
      show_log "$log"
      return 1
    fi
  fi
  if ! (cd "$apt_dir/download" && apt-get "${opts[@]}" download nats-server) >> "$log" 2>&1; then
    warn "apt-get download nats-server (Debian testing) failed; apt's output ends with:"
    show_log "$log"
    return 1
  fi
  deb="$(find "$apt_dir/download" -maxdepth 1 -name 'nats-server_*.deb' | head -n 1)"
  if [[ -z "$deb" ]]; then
    warn "apt-get download reported success but left no nats-server_*.deb."
    return 1
  fi
  pkg_version="$(dpkg-deb -f "$deb" Version)"
  pkg_version="${pkg_version//[^A-Za-z0-9.+~-]/_}"

  mkdir -p "$TESTING_DIR"
  stage="$(mktemp -d "$TESTING_DIR/.stage.XXXXXX")"
  if ! dpkg-deb -x "$deb" "$stage" >> "$log" 2>&1 || [[ ! -x "$stage/usr/sbin/nats-server" ]]; then
    rm -rf "$stage"
    warn "could not unpack usr/sbin/nats-server from $(basename "$deb")."
    show_log "$log"
    return 1
  fi
  if ! version_of "$stage/usr/sbin/nats-server" > /dev/null; then
    rm -rf "$stage"
    warn "the nats-server from Debian testing ($pkg_version) does not run on this machine."
    return 1
  fi
  chmod 755 "$stage"
  rm -rf "${TESTING_DIR:?}/$pkg_version"
  mv "$stage" "$TESTING_DIR/$pkg_version"
  # Swap the link atomically, then drop other unpacked versions.
  link="$TESTING_DIR/.nats-server.$$"
  ln -sfn "$pkg_version/usr/sbin/nats-server" "$link"
  mv -Tf "$link" "$TESTING_BIN"
  local d
  for d in "$TESTING_DIR"/*/; do
    d="${d%/}"
    [[ "$(basename "$d")" == "$pkg_version" ]] || rm -rf "$d"
  done
  printf '%s\n' "$pkg_version" > "$TESTING_DIR/VERSION"
}

NEWEST_OK=0
if [[ "$refresh" -eq 0 ]] && NEWEST_VERSION="$(version_of "$TESTING_BIN" 2> /dev/null)"; then
  NEWEST_OK=1
elif fetch_testing && NEWEST_VERSION="$(version_of "$TESTING_BIN")"; then
  NEWEST_OK=1
fi

# --------------------------------------------------------------- summary ----
printf 'nats-server stable: %s (%s)\n' "$STABLE_BIN" "$STABLE_VERSION"
if [[ "$NEWEST_OK" -eq 1 ]]; then
  printf 'nats-server newest: %s (%s)\n' "$TESTING_BIN" "$NEWEST_VERSION"
  exit 0
fi
if [[ "$REQUIRE_NEWEST" == "1" ]]; then
  err "could not fetch the newest nats-server from Debian testing into $TESTING_DIR" \
    "(set MICROSTORE_REQUIRE_NEWEST_SERVER=0 to continue without it)."
  exit 1
fi
warn "the newest nats-server (Debian testing) is not available; tests that need it will be skipped."
exit 0
