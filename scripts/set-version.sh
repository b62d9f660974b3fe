#!/usr/bin/env bash
# Sets the project's version everywhere it is written: every pom.xml (the parent, each module's
# <parent>, the BOM), the README and docs/spring-boot.md; and the reproducible-build timestamp
# (project.build.outputTimestamp) of the parent POM. Works offline, without Maven.
#
#   scripts/set-version.sh VERSION [--timestamp 2026-12-01T10:00:00Z]
#
# The timestamp defaults to $SOURCE_DATE_EPOCH when set, else to now (UTC, whole seconds).
# Prints the files it changed. Fails, changing nothing, when VERSION is not a Maven version; fails
# when the old version is still written in one of those files afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

die() {
  echo "set-version.sh: $*" >&2
  exit 2
}

new=""
timestamp=""
while (($#)); do
  case "$1" in
    --timestamp)
      [[ $# -ge 2 ]] || die "--timestamp needs a value"
      timestamp="$2"
      shift 2
      ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    -*) die "unknown option: $1" ;;
    *)
      [[ -z "$new" ]] || die "one version only (got '$new' and '$1')"
      new="$1"
      shift
      ;;
  esac
done
[[ -n "$new" ]] || die "usage: scripts/set-version.sh VERSION [--timestamp ISO-8601]"
[[ "$new" =~ ^[0-9]+\.[0-9]+\.[0-9]+([.-][0-9A-Za-z]+([.-][0-9A-Za-z]+)*)?$ ]] ||
  die "'$new' is not a version like 1.2.3, 1.2.3-rc.1 or 1.2.4-SNAPSHOT"

if [[ -z "$timestamp" ]]; then
  if [[ -n "${SOURCE_DATE_EPOCH:-}" ]]; then
    timestamp="$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)"
  else
    timestamp="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  fi
fi
[[ "$timestamp" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$ ]] ||
  die "'$timestamp' is not a UTC timestamp like 2026-12-01T10:00:00Z"
[[ "$timestamp" > "1980-01-01T00:00:02Z" ]] || die "'$timestamp' is before 1980, which jar entries cannot hold"

# The current version: the first <version> of the root pom.xml (the parent's own).
old="$(sed -n 's:^[[:space:]]*<version>\([^<]*\)</version>.*:\1:p' pom.xml | head -n 1)"
[[ -n "$old" ]] || die "no <version> found in pom.xml"

poms=(pom.xml */pom.xml examples/*/pom.xml)
docs=(README.md docs/spring-boot.md)
old_re="${old//./\\.}"

changed=()
for f in "${poms[@]}"; do
  before="$(cksum < "$f")"
  sed -i "s:<version>${old_re}</version>:<version>${new}</version>:g" "$f"
  if [[ "$f" == pom.xml ]]; then
    sed -i "s|<project.build.outputTimestamp>[^<]*</project.build.outputTimestamp>|<project.build.outputTimestamp>${timestamp}</project.build.outputTimestamp>|" "$f"
  fi
  [[ "$(cksum < "$f")" == "$before" ]] || changed+=("$f")
done
for f in "${docs[@]}"; do
  [[ -f "$f" ]] || continue
  before="$(cksum < "$f")"
  sed -i "s:\`${old_re}\`:\`${new}\`:g; s:<version>${old_re}</version>:<version>${new}</version>:g" "$f"
  [[ "$(cksum < "$f")" == "$before" ]] || changed+=("$f")
done

if [[ "$old" != "$new" ]]; then
  if leftover="$(grep -n -E -- "<version>${old_re}</version>|\`${old_re}\`" "${poms[@]}" "${docs[@]}" 2> /dev/null)"; then
    echo "set-version.sh: $old is still written here (set it by hand, or extend this script):" >&2
    echo "$leftover" >&2
    exit 1
  fi
fi
printf 'set-version.sh: %s -> %s (outputTimestamp %s)\n' "$old" "$new" "$timestamp"
for f in "${changed[@]}"; do
  printf '  %s\n' "$f"
done
