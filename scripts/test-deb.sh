#!/usr/bin/env bash
# Tests a microstore Debian package the way a user meets it: installs it with dpkg -i, runs the
# installed `microstore --version` and `microstore demo` from an empty directory, with no
# environment but PATH and HOME, and with `java` and `mvn` on that PATH replaced by stubs that
# fail (the package brings its own Java runtime, and needs neither the sources nor Maven), then
# removes it with dpkg -r, checks that nothing is left, and purges dpkg's record of it (dpkg -P).
#
#   scripts/test-deb.sh microstore_VERSION-1_ARCH.deb
#
# Needs root (dpkg) and a machine where the package microstore is not installed. `demo` starts
# its own nats-server: the one on the PATH or /usr/sbin/nats-server, else the package's
# scripts/install-nats-server.sh installs Debian's. Exit status 0 when every check passed.
set -euo pipefail

die() {
  echo "test-deb.sh: $*" >&2
  exit 1
}
[[ $# -eq 1 && -f "$1" ]] || die "usage: scripts/test-deb.sh PATH/TO/microstore_VERSION-1_ARCH.deb"
deb="$(realpath "$1")"
[[ "$(id -u)" -eq 0 ]] || die "dpkg -i needs root"
[[ "$(dpkg-deb -f "$deb" Package)" == microstore ]] || die "$deb is not the microstore package"
if dpkg-query -W -f '${Status}' microstore 2> /dev/null | grep -q 'installed'; then
  die "the package microstore is installed already; remove it first (dpkg -r microstore)"
fi
[[ ! -e /usr/bin/microstore ]] || die "/usr/bin/microstore exists and belongs to no microstore package"

# Debian version 1.2.3~rc.1-1 is Maven version 1.2.3-rc.1.
deb_version="$(dpkg-deb -f "$deb" Version)"
version="${deb_version%-*}"
version="${version//\~/-}"

work="$(mktemp -d "${TMPDIR:-/tmp}/microstore-test-deb.XXXXXX")"
installed=0
cleanup() {
  if [[ "$installed" -eq 1 ]]; then
    dpkg_locked -r microstore > /dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

passed=0
failed=0
ok() {
  echo "ok   - $*"
  passed=$((passed + 1))
}
fail() {
  echo "FAIL - $*"
  failed=$((failed + 1))
}

# dpkg, retried while another dpkg or apt holds its lock.
dpkg_locked() {
  local try out
  for try in $(seq 1 60); do
    if out="$(dpkg "$@" 2>&1)"; then
      printf '%s\n' "$out"
      return 0
    fi
    if [[ "$out" != *lock* ]]; then
      printf '%s\n' "$out" >&2
      return 1
    fi
    sleep 2
  done
  printf '%s\n' "$out" >&2
  return 1
}

mkdir -p "$work/stubs" "$work/home" "$work/run"
for tool in java mvn; do
  printf '#!/bin/sh\necho "test-deb.sh: the installed command ran %s" >&2\nexit 97\n' "$tool" > "$work/stubs/$tool"
  chmod 755 "$work/stubs/$tool"
done
run_path="$work/stubs:/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin"
as_user() { (cd "$work/run" && env -i HOME="$work/home" PATH="$run_path" "$@"); }

echo "== dpkg -i $(basename "$deb")"
dpkg_locked -i "$deb" || die "dpkg -i failed"
installed=1
if [[ "$(readlink -f /usr/bin/microstore)" == /opt/microstore/bin/microstore ]]; then
  ok "dpkg -i put /usr/bin/microstore -> /opt/microstore/bin/microstore on the PATH"
else
  fail "/usr/bin/microstore is not the package's command"
fi

echo "== microstore --version"
if out="$(as_user microstore --version 2>&1)"; then
  printf '%s\n' "$out" | sed 's/^/   /'
  [[ "$(printf '%s\n' "$out" | head -n 1)" == "microstore $version" ]] &&
    ok "--version names version $version" || fail "--version does not start with 'microstore $version'"
  grep -Eq '^jnats [0-9]+\.[0-9]+\.[0-9]+' <<< "$out" &&
    ok "--version names the jnats version" || fail "--version names no jnats version"
  grep -Eq '^commit [0-9a-f]{40}$' <<< "$out" &&
    ok "--version names the commit it was built from" || fail "--version names no clean commit"
  grep -q '^java .*/opt/microstore/lib/runtime)$' <<< "$out" &&
    ok "it runs on the package's own Java runtime" || fail "it does not run on /opt/microstore/lib/runtime"
else
  printf '%s\n' "$out" | sed 's/^/   /'
  fail "microstore --version exited non-zero"
fi

echo "== microstore demo (in an empty directory, without the sources, Java or Maven on the PATH)"
if as_user microstore demo > "$work/demo.log" 2>&1; then
  ok "microstore demo exited 0"
else
  fail "microstore demo exited non-zero"
fi
sed -n '1,8p' "$work/demo.log" | sed 's/^/   /'
echo "   ..."
tail -n 4 "$work/demo.log" | sed 's/^/   /'
grep -q 'done: every step above ran against a real NATS JetStream server' "$work/demo.log" &&
  ok "the demo ran every step against a NATS server" || fail "the demo did not finish its steps"
! grep -q 'test-deb.sh: the installed command ran' "$work/demo.log" &&
  ok "neither java nor mvn of the PATH was used" || fail "the installed command ran java or mvn of the PATH"

echo "== dpkg -r microstore"
dpkg_locked -r microstore | sed 's/^/   /' || fail "dpkg -r failed"
installed=0
if [[ ! -e /usr/bin/microstore && ! -e /opt/microstore ]]; then
  ok "dpkg -r left neither /usr/bin/microstore nor /opt/microstore"
else
  fail "dpkg -r left files behind"
fi
# dpkg keeps a removed package's record (state config-files) until it is purged.
dpkg_locked -P microstore > /dev/null || fail "dpkg -P failed"

echo "test-deb.sh: $passed passed, $failed failed"
[[ "$failed" -eq 0 ]]
