#!/usr/bin/env bash
# Installs what scripts/release.sh and scripts/test-release.sh need beyond the build's Java and
# Maven, with apt-get (Debian or Ubuntu; as root, or through sudo):
#
#   gpg                        signs the artifacts                      (package gnupg)
#   fakeroot, dpkg-deb         build the Debian package with jpackage   (fakeroot, dpkg)
#   objcopy                    strips the packaged Java runtime         (binutils)
#   jpackage, jdeps, jmods     the JDK's packaging tools and modules    (openjdk-17-jdk-headless)
#
# Idempotent: installs only what is missing; runs apt-get update only when an install needs it.
# Prints one line per tool. Exit status 1 when something cannot be installed.
set -euo pipefail

SUDO=()
if [[ "$(id -u)" -ne 0 ]] && command -v sudo > /dev/null 2>&1; then
  SUDO=(sudo)
fi

# The JDK that runs the build: $JAVA_HOME, else the one `javac` on the PATH belongs to.
java_home() {
  if [[ -n "${JAVA_HOME:-}" ]]; then
    printf '%s\n' "$JAVA_HOME"
  elif command -v javac > /dev/null 2>&1; then
    dirname "$(dirname "$(readlink -f "$(command -v javac)")")"
  fi
}

missing=()
have() { command -v "$1" > /dev/null 2>&1; }
have gpg || missing+=(gnupg)
have fakeroot || missing+=(fakeroot)
have dpkg-deb || missing+=(dpkg)
have objcopy || missing+=(binutils)
jdk="$(java_home)"
if ! have jpackage || ! have jdeps || [[ -z "$jdk" || ! -f "$jdk/jmods/java.base.jmod" ]]; then
  missing+=(openjdk-17-jdk-headless)
fi

if ((${#missing[@]})); then
  if [[ "$(id -u)" -ne 0 && ${#SUDO[@]} -eq 0 ]]; then
    echo "install-release-tools.sh: missing ${missing[*]}; run as root or install them: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  log="$(mktemp "${TMPDIR:-/tmp}/microstore-release-tools.XXXXXX")"
  trap 'rm -f "$log"' EXIT
  if ! "${SUDO[@]}" apt-get install -y -q "${missing[@]}" > "$log" 2>&1; then
    if ! "${SUDO[@]}" apt-get update -q >> "$log" 2>&1 ||
      ! "${SUDO[@]}" apt-get install -y -q "${missing[@]}" >> "$log" 2>&1; then
      tail -n 25 "$log" >&2
      echo "install-release-tools.sh: apt-get install -y ${missing[*]} failed (output above)" >&2
      exit 1
    fi
  fi
fi

status=0
for tool in gpg fakeroot dpkg-deb objcopy jpackage jdeps; do
  if have "$tool"; then
    printf 'release tool %-9s %s\n' "$tool" "$(command -v "$tool")"
  else
    printf 'release tool %-9s MISSING\n' "$tool" >&2
    status=1
  fi
done
jdk="$(java_home)"
if [[ -n "$jdk" && -f "$jdk/jmods/java.base.jmod" ]]; then
  printf 'release tool %-9s %s\n' jmods "$jdk/jmods"
else
  printf 'release tool %-9s MISSING (the JDK at %s has no jmods/)\n' jmods "${jdk:-?}" >&2
  status=1
fi
exit "$status"
