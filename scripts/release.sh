#!/usr/bin/env bash
# Releases microstore VERSION from a clean clone, locally; it pushes and uploads nothing.
#
#   scripts/release.sh VERSION [--skip-tests] [--out DIR] [--key KEY]
#
#  1. sets VERSION everywhere (scripts/set-version.sh) and dates the CHANGELOG's Unreleased section;
#  2. runs the test command, scripts/test.sh (--skip-tests: not; for testing this script only);
#  3. commits "Release VERSION" and tags it vVERSION;
#  4. builds every module and deploys it into DIR/staging, a Maven repository directory: POMs,
#     jars, sources jars, javadoc jars, each with .md5 and .sha1 checksums;
#  5. checks the staging repository the way Maven Central validates an upload
#     (scripts/CentralCheck.java), signs every file with gpg (.asc), verifies the signatures and
#     checks again; zips it as DIR/central-bundle-VERSION.zip, ready for upload;
#  6. packages the CLI (scripts/package-cli.sh): microstore-cli-VERSION.tar.gz and the .deb, signed,
#     with SHA256SUMS;
#  7. prints what it produced, and what to push and upload.
#
# Options:
#   --skip-tests   do not run scripts/test.sh
#   --out DIR      where the results go (default target/release); must be empty or absent
#   --key KEY      the gpg key to sign with (default $MICROSTORE_GPG_KEY, else gpg's default key)
#
# Environment:
#   MICROSTORE_GPG_KEY         the signing key, as --key
#   MICROSTORE_GPG_PASSPHRASE  its passphrase, when it has one and no agent holds it
#   GNUPGHOME                  gpg's home directory, as for gpg itself
#
# Needs git, Maven, JDK 17 with jpackage, gpg, fakeroot and dpkg-deb
# (scripts/install-release-tools.sh installs what is missing). A failure before the commit leaves
# the working tree as it was; a failure after it says how to undo the local commit and tag.
# Exit status: 0 released, 1 failed, 2 bad usage.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

usage() {
  echo "release.sh: $*" >&2
  echo "usage: scripts/release.sh VERSION [--skip-tests] [--out DIR] [--key KEY]" >&2
  exit 2
}
die() {
  echo "release.sh: $*" >&2
  exit 1
}
step() { printf '\n== release.sh: %s\n' "$*"; }

version=""
skip_tests=0
out="target/release"
key="${MICROSTORE_GPG_KEY:-}"
while (($#)); do
  case "$1" in
    --skip-tests) skip_tests=1 ;;
    --out)
      [[ $# -ge 2 ]] || usage "--out needs a directory"
      out="$2"
      shift
      ;;
    --key)
      [[ $# -ge 2 ]] || usage "--key needs a key id"
      key="$2"
      shift
      ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    -*) usage "unknown option: $1" ;;
    *)
      [[ -z "$version" ]] || usage "one version only (got '$version' and '$1')"
      version="$1"
      ;;
  esac
  shift
done
[[ -n "$version" ]] || usage "no version given"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([.-][0-9A-Za-z]+([.-][0-9A-Za-z]+)*)?$ ]] ||
  usage "'$version' is not a version like 1.2.3 or 1.2.3-rc.1"
[[ "$version" != *SNAPSHOT* ]] || usage "$version is a snapshot; a release has a fixed version"

# ----------------------------------------------------------- preconditions ----
for tool in git mvn java gpg jpackage jdeps fakeroot dpkg-deb; do
  command -v "$tool" > /dev/null 2>&1 || die "$tool not found; run scripts/install-release-tools.sh"
done
git rev-parse --git-dir > /dev/null 2>&1 || die "$ROOT is not a git clone"
[[ -z "$(git status --porcelain)" ]] ||
  die "the working tree has changes; commit or remove them first:
$(git status --short)"
! git rev-parse -q --verify "refs/tags/v$version" > /dev/null || die "tag v$version exists already"
if [[ -e "$out" ]] && [[ -n "$(ls -A "$out")" ]]; then
  die "$out is not empty; remove it or choose another --out"
fi

gpg_args=(--batch --yes)
if [[ -n "$key" ]]; then
  gpg_args+=(--local-user "$key")
fi
if [[ -n "${MICROSTORE_GPG_PASSPHRASE:-}" ]]; then
  gpg_args+=(--pinentry-mode loopback --passphrase-fd 0)
fi
gpg --list-secret-keys ${key:+"$key"} > /dev/null 2>&1 ||
  die "no gpg secret key${key:+ '$key'} to sign with (GNUPGHOME=${GNUPGHOME:-~/.gnupg}); set --key or MICROSTORE_GPG_KEY"
sign() { # FILE: writes FILE.asc
  gpg "${gpg_args[@]}" --armor --detach-sign --output "$1.asc" "$1" <<< "${MICROSTORE_GPG_PASSPHRASE:-}"
}

grep -q '^## \[Unreleased\]' CHANGELOG.md || die "CHANGELOG.md has no '## [Unreleased]' section"
unreleased="$(awk '/^## \[Unreleased\]/ {on=1; next} /^## \[/ {on=0} on && NF' CHANGELOG.md)"
[[ -n "$unreleased" ]] || die "CHANGELOG.md's Unreleased section is empty; say what this release brings"

# ------------------------------------------------------------- 1. version ----
step "1. set the version to $version"
restore() {
  git checkout -q -- . 2> /dev/null || true
}
trap restore EXIT
release_date="$(date -u +%Y-%m-%d)"
scripts/set-version.sh "$version"
sed -i "s/^## \[Unreleased\]\$/## [Unreleased]\n\n## [$version] - $release_date/" CHANGELOG.md
echo "  CHANGELOG.md: ## [$version] - $release_date"
mapfile -t changed < <(git diff --name-only)

# --------------------------------------------------------------- 2. tests ----
if [[ "$skip_tests" -eq 1 ]]; then
  step "2. tests skipped (--skip-tests)"
else
  step "2. run the test command: scripts/test.sh"
  scripts/test.sh || die "the tests failed; nothing was committed, the version is restored"
  others="$(git diff --name-only | grep -v -x -F -f <(printf '%s\n' "${changed[@]}") || true)"
  [[ -z "$others" ]] || die "the tests changed files the release does not: $others"
fi

# -------------------------------------------------------------- 3. commit ----
step "3. commit and tag v$version"
git add -- "${changed[@]}"
git commit -q -m "Release $version" -- "${changed[@]}"
trap - EXIT
git tag -a "v$version" -m "microstore $version"
commit="$(git rev-parse HEAD)"
echo "  commit $commit, tag v$version"
undo="git tag -d v$version && git reset --hard HEAD~1"

# --------------------------------------------------------------- 4. build ----
# Maven's clean empties target/ (the parent's, after the BOM is deployed), where the results go by
# default: the build deploys into a directory of its own, moved into place afterwards.
out="$(realpath -m "$out")"
staging="$out/staging"
step "4. build and deploy into $staging"
log="$(mktemp "${TMPDIR:-/tmp}/microstore-release-build.XXXXXX")"
deployed="$(mktemp -d "${TMPDIR:-/tmp}/microstore-release-staging.XXXXXX")"
# Online: Maven refuses to deploy offline, even into a directory. What the build needs is in the
# local repository after the tests, so nothing is downloaded then.
if ! mvn -B clean deploy -DskipTests -Dmaven.install.skip=true \
  -DaltDeploymentRepository="staging::file://$deployed" > "$log" 2>&1; then
  grep -E '^\[ERROR\]' "$log" | head -n 40 >&2 || tail -n 40 "$log" >&2
  die "the build failed (log: $log); to undo the release commit: $undo"
fi
rm -f "$log"
[[ -z "$(git status --porcelain --untracked-files=no)" ]] ||
  die "the build changed tracked files (the formatter?), so the artifacts are not those of $commit:
$(git status --short --untracked-files=no)
commit the changes as their own commit before releasing; to undo the release commit: $undo"
mkdir -p "$out"
mv "$deployed" "$staging"
# Maven Central builds its own maven-metadata.xml; the upload carries the components only.
find "$staging" -name 'maven-metadata*' -delete

# ----------------------------------------------------------- 5. check, sign ----
step "5. check the staging repository as Maven Central would, sign it, check again"
java scripts/CentralCheck.java "$staging" ||
  die "the staging repository would be refused (above); fix it, then: $undo"
mapfile -t files < <(find "$staging" -type f ! -name '*.md5' ! -name '*.sha1' ! -name '*.asc' | sort)
for f in "${files[@]}"; do
  sign "$f" || die "gpg could not sign $f"
done
for f in "${files[@]}"; do
  gpg --batch --verify "$f.asc" "$f" 2> /dev/null || die "the signature $f.asc does not verify"
done
echo "  signed and verified ${#files[@]} files"
java scripts/CentralCheck.java --signed "$staging" || die "the signed staging repository would be refused"
bundle="$out/central-bundle-$version.zip"
(cd "$staging" && jar --create --no-manifest --file "$bundle" .)

# ---------------------------------------------------------- 6. CLI packages ----
step "6. package the CLI"
list="$(mktemp "${TMPDIR:-/tmp}/microstore-release-packages.XXXXXX")"
scripts/package-cli.sh --out "$out" > "$list" || die "packaging the CLI failed (above); to undo the release commit: $undo"
mapfile -t packages < "$list"
rm -f "$list"
for p in "${packages[@]}"; do
  sign "$p" || die "gpg could not sign $p"
  gpg --batch --verify "$p.asc" "$p" 2> /dev/null || die "the signature $p.asc does not verify"
done
(cd "$out" && sha256sum -- "${packages[@]##*/}" "${bundle##*/}" > SHA256SUMS)

# -------------------------------------------------------------- 7. report ----
step "7. released microstore $version (commit $commit, tag v$version)"
echo "staging repository $staging:"
(cd "$staging" && find . -type f | sort | sed 's:^\./:  :')
echo "release files in $out:"
(cd "$out" && find . -maxdepth 1 -type f -printf '  %f  %s bytes\n' | sort)
cat << EOF

Nothing was pushed or uploaded. Next:
  git push origin HEAD v$version                 # the release commit and its tag
  upload $bundle to Maven Central's publishing portal, then publish it there
  attach ${packages[*]##*/} (with .asc) and SHA256SUMS to the release notes
  scripts/set-version.sh <next>-SNAPSHOT and commit, to go on
If anything above is wrong, undo the release locally: $undo
EOF
