#!/usr/bin/env bash
# Packages the built CLI for installation on machines without the sources or Maven:
#
#   microstore-cli-VERSION.tar.gz   microstore-cli-VERSION/ with bin/microstore (needs Java 17+ on
#                                   the machine), lib/microstore-cli-VERSION.jar, the docs, LICENSE,
#                                   CHANGELOG.md and scripts/install-nats-server.sh; reproducible
#                                   (entries dated project.build.outputTimestamp, sorted, no owner)
#   microstore_DEBVERSION-1_ARCH.deb  built with jpackage: its own Java runtime under /opt/microstore,
#                                   the command /usr/bin/microstore; recommends nats-server
#                                   (DEBVERSION is VERSION with '-' as '~', so 1.0.0~rc.1 < 1.0.0)
#
#   scripts/package-cli.sh [--out DIR] [--no-deb]
#
# Run after the build (mvn package); the version is the project's (root pom.xml). Needs jpackage,
# jdeps (JDK 17+), fakeroot and dpkg-deb for the .deb: scripts/install-release-tools.sh installs
# them. Default output directory: target/release. Prints the paths of what it built.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

readonly PACKAGE_VENDOR="The microstore maintainers"
readonly PACKAGE_MAINTAINER="maintainers@microstore.dev"
readonly PACKAGE_URL="https://microstore.dev"
readonly PACKAGE_DESCRIPTION="microstore CLI: Go-Micro's key-value store on NATS JetStream"

die() {
  echo "package-cli.sh: $*" >&2
  exit 1
}

out="target/release"
deb=1
while (($#)); do
  case "$1" in
    --out)
      [[ $# -ge 2 ]] || die "--out needs a directory"
      out="$2"
      shift 2
      ;;
    --no-deb)
      deb=0
      shift
      ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *) die "unknown argument: $1" ;;
  esac
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"

version="$(sed -n 's:^[[:space:]]*<version>\([^<]*\)</version>.*:\1:p' pom.xml | head -n 1)"
timestamp="$(sed -n 's:.*<project.build.outputTimestamp>\([^<]*\)</project.build.outputTimestamp>.*:\1:p' pom.xml | head -n 1)"
[[ -n "$version" && -n "$timestamp" ]] || die "cannot read the version and outputTimestamp from pom.xml"
jar="microstore-cli/target/microstore-cli-$version.jar"
[[ -f "$jar" ]] || die "$jar is missing; build it first (mvn -B package -DskipTests)"

work="$(mktemp -d "${TMPDIR:-/tmp}/microstore-package.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# ------------------------------------------------------------------ tarball ----
name="microstore-cli-$version"
dist="$work/$name"
mkdir -p "$dist/bin" "$dist/lib" "$dist/docs" "$dist/scripts"
sed "s/@VERSION@/$version/g" packaging/microstore > "$dist/bin/microstore"
chmod 755 "$dist/bin/microstore"
cp "$jar" "$dist/lib/"
cp README.md LICENSE CHANGELOG.md "$dist/"
cp docs/*.md "$dist/docs/"
cp scripts/install-nats-server.sh "$dist/scripts/"
chmod 755 "$dist/scripts/install-nats-server.sh"
find "$dist" -type d -exec chmod 755 {} +
find "$dist" -type f ! -perm -u+x -exec chmod 644 {} +

tarball="$out/$name.tar.gz"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="$timestamp" --format=gnu \
  -C "$work" -cf - "$name" | gzip -n -9 > "$tarball"
echo "$tarball"

[[ "$deb" -eq 1 ]] || exit 0

# --------------------------------------------------------------------- .deb ----
for tool in jpackage jdeps fakeroot dpkg-deb; do
  command -v "$tool" > /dev/null 2>&1 ||
    die "$tool not found; run scripts/install-release-tools.sh (the .deb needs jpackage, jdeps, fakeroot and dpkg-deb)"
done

# The Java modules the jar uses, and those it reaches only at run time: TLS with EC keys
# (jdk.crypto.ec), DNS lookups through JNDI (jdk.naming.dns), sun.misc.Unsafe (jdk.unsupported).
modules="$(jdeps --ignore-missing-deps --print-module-deps --multi-release 17 "$jar")"
[[ -n "$modules" ]] || die "jdeps found no module of $jar"
modules="$modules,jdk.crypto.ec,jdk.naming.dns,jdk.unsupported"

# Everything in the app directory lands in /opt/microstore/lib/app; microstore.home points there so
# that `demo` and `server` find scripts/install-nats-server.sh when nats-server is missing.
app="$work/app"
mkdir -p "$app/scripts" "$app/docs"
cp "$jar" "$app/"
cp scripts/install-nats-server.sh "$app/scripts/"
cp README.md LICENSE CHANGELOG.md "$app/"
cp docs/*.md "$app/docs/"

deb_version="${version//-/\~}"
log="$work/jpackage.log"
if ! jpackage --type deb \
  --name microstore \
  --app-version "$deb_version" \
  --description "$PACKAGE_DESCRIPTION" \
  --vendor "$PACKAGE_VENDOR" \
  --copyright "Copyright ${timestamp:0:4} $PACKAGE_VENDOR, Apache-2.0" \
  --license-file LICENSE \
  --about-url "$PACKAGE_URL" \
  --linux-deb-maintainer "$PACKAGE_MAINTAINER" \
  --linux-app-category database \
  --linux-package-name microstore \
  --input "$app" \
  --main-jar "microstore-cli-$version.jar" \
  --main-class dev.microstore.cli.Main \
  --add-modules "$modules" \
  --java-options '-Dmicrostore.home=$APPDIR' \
  --resource-dir "$ROOT/packaging/deb" \
  --dest "$work/deb" > "$log" 2>&1; then
  tail -n 30 "$log" >&2
  die "jpackage failed (output above)"
fi
built="$(find "$work/deb" -maxdepth 1 -name '*.deb' | head -n 1)"
[[ -n "$built" ]] || die "jpackage succeeded but made no .deb"
mv "$built" "$out/"
echo "$out/$(basename "$built")"
