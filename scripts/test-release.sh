#!/usr/bin/env bash
# Tests the release procedure end to end on a temporary clone of this repository's HEAD, with a
# throwaway gpg key; it pushes and uploads nothing (the clones have no remote). About ten minutes:
# not part of scripts/test.sh.
#
#   scripts/test-release.sh [--keep] [--version 0.1.0-test.1]
#
#  1. usage: release.sh refuses a snapshot version, no version, and a working tree with changes;
#  2. a failing test command (scripts/test.sh) stops the release: no commit, no tag, the version
#     restored;
#  3. the build's metadata check (enforcer, at validate) passes, and fails naming the field when
#     <licenses> is removed from the parent POM or <scm> from the BOM;
#  4. release.sh --skip-tests VERSION: the release commit and tag, a staging repository with the
#     POM, jar, sources jar and javadoc jar of every module, the parent POM and the BOM, each with
#     .asc signatures that verify and .md5/.sha1 checksums; the Central bundle; the CLI tarball
#     (its bin/microstore --version names the release commit) and the .deb;
#  5. the staging check (scripts/CentralCheck.java) fails, naming the problem, when a field is
#     removed from a POM, a module from the BOM, a sources jar, a checksum or a signature, or a jar
#     is changed after it was checksummed;
#  6. reproducible: a second build of the release tag, in another directory, gives byte-identical
#     jars, sources jars, javadoc jars and CLI tarball;
#  7. the .deb installs, runs `microstore --version` and `microstore demo`, and removes cleanly
#     (scripts/test-deb.sh).
#
# --keep leaves the temporary directory for inspection. Needs root (dpkg) and the release tools
# (installed first with scripts/install-release-tools.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

keep=0
version="0.1.0-test.1"
while (($#)); do
  case "$1" in
    --keep) keep=1 ;;
    --version)
      version="$2"
      shift
      ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "test-release.sh: unknown argument: $1" >&2
      exit 2
      ;;
  esac
  shift
done

scripts/install-release-tools.sh

tmp="$(mktemp -d "${TMPDIR:-/tmp}/microstore-release-test.XXXXXX")"
cleanup() {
  if [[ "$keep" -eq 1 ]]; then
    echo "test-release.sh: kept $tmp"
  else
    rm -rf "$tmp"
  fi
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
section() { printf '\n== %s\n' "$*"; }
# expect DESCRIPTION STATUS LOG REGEX...: the last command exited STATUS and its log matches each REGEX.
expect() {
  local what="$1" want="$2" got="$3" log="$4"
  shift 4
  if [[ "$got" -ne "$want" ]]; then
    fail "$what: exit status $got, expected $want"
    sed 's/^/     | /' "$log" | tail -n 15
    return
  fi
  local re
  for re in "$@"; do
    if ! grep -Eq -- "$re" "$log"; then
      fail "$what: output lacks /$re/"
      sed 's/^/     | /' "$log" | tail -n 15
      return
    fi
  done
  ok "$what"
}

# A clone of HEAD with no remote, and a committer of its own.
clone() {
  git clone -q --no-hardlinks "$ROOT" "$1"
  git -C "$1" checkout -q --detach "$(git -C "$ROOT" rev-parse HEAD)"
  git -C "$1" checkout -q -B release-test
  git -C "$1" remote remove origin
  git -C "$1" config user.name "microstore release test"
  git -C "$1" config user.email "release-test@example.invalid"
}

if [[ -n "$(git status --porcelain --untracked-files=no)" ]]; then
  echo "test-release.sh: note: testing the committed HEAD; uncommitted changes are not in the clone"
fi
head="$(git rev-parse HEAD)"
echo "test-release.sh: testing release $version of $head in $tmp"

# A throwaway signing key.
export GNUPGHOME="$tmp/gnupg"
mkdir -p "$GNUPGHOME"
chmod 700 "$GNUPGHOME"
gpg --batch --pinentry-mode loopback --passphrase '' \
  --quick-gen-key "microstore release test <release-test@example.invalid>" default default never 2> /dev/null
key="$(gpg --batch --with-colons --list-secret-keys | awk -F: '$1 == "fpr" {print $10; exit}')"
echo "test-release.sh: throwaway gpg key $key"
export MICROSTORE_GPG_KEY="$key"

# ------------------------------------------------------------------ 1. usage ----
section "1. usage"
clone "$tmp/usage"
set +e
"$tmp/usage/scripts/release.sh" 1.0.0-SNAPSHOT > "$tmp/u1.log" 2>&1
expect "a snapshot version is refused" 2 $? "$tmp/u1.log" "is a snapshot"
"$tmp/usage/scripts/release.sh" > "$tmp/u2.log" 2>&1
expect "no version is refused" 2 $? "$tmp/u2.log" "no version given"
echo "change" >> "$tmp/usage/README.md"
"$tmp/usage/scripts/release.sh" 9.9.9 --skip-tests > "$tmp/u3.log" 2>&1
expect "a working tree with changes is refused" 1 $? "$tmp/u3.log" "working tree has changes"
set -e

# ------------------------------------------------------ 2. failing test command ----
section "2. a failing test command stops the release"
clone "$tmp/failing"
printf '#!/usr/bin/env bash\necho "test command ran: 1 passed, 1 failed"\nexit 1\n' > "$tmp/failing/scripts/test.sh"
git -C "$tmp/failing" commit -q -m "a failing test command" -- scripts/test.sh
before="$(git -C "$tmp/failing" rev-parse HEAD)"
set +e
"$tmp/failing/scripts/release.sh" 9.9.9 --out "$tmp/failing-out" > "$tmp/f.log" 2>&1
expect "release.sh runs the test command and stops when it fails" 1 $? "$tmp/f.log" \
  "test command ran" "the tests failed; nothing was committed"
set -e
if [[ "$(git -C "$tmp/failing" rev-parse HEAD)" == "$before" ]] &&
  ! git -C "$tmp/failing" rev-parse -q --verify refs/tags/v9.9.9 > /dev/null &&
  [[ -z "$(git -C "$tmp/failing" status --porcelain)" ]] &&
  grep -q '<version>0.1.0-SNAPSHOT</version>' "$tmp/failing/pom.xml"; then
  ok "after the failure: no commit, no tag, a clean tree, the version restored"
else
  fail "the failed release left a commit, a tag or changed files"
fi

# ------------------------------------------------------ 3. metadata check in the build ----
section "3. the build's metadata check"
clone "$tmp/meta"
set +e
(cd "$tmp/meta" && mvn -B -o -q validate) > "$tmp/m0.log" 2>&1
expect "mvn validate passes with complete metadata" 0 $? "$tmp/m0.log"
perl -0pi -e 's{\s*<licenses>.*?</licenses>}{}s' "$tmp/meta/pom.xml"
(cd "$tmp/meta" && mvn -B -o -q validate) > "$tmp/m1.log" 2>&1
expect "mvn validate fails without <licenses> in the parent POM" 1 $? "$tmp/m1.log" \
  "microstore-parent: Maven Central requires a license"
git -C "$tmp/meta" checkout -q -- pom.xml
perl -0pi -e 's{\s*<scm>.*?</scm>}{}s' "$tmp/meta/microstore-bom/pom.xml"
(cd "$tmp/meta" && mvn -B -o -q validate) > "$tmp/m2.log" 2>&1
expect "mvn validate fails without <scm> in the BOM" 1 $? "$tmp/m2.log" \
  "microstore-bom: Maven Central requires the source repository"
git -C "$tmp/meta" checkout -q -- microstore-bom/pom.xml
perl -0pi -e 's{\s*<description>[^<]*</description>}{}s' "$tmp/meta/pom.xml"
(cd "$tmp/meta" && mvn -B -o -q validate) > "$tmp/m3.log" 2>&1
expect "mvn validate fails without <description> in the parent POM" 1 $? "$tmp/m3.log" \
  "microstore-parent: Maven Central requires a project description"
git -C "$tmp/meta" checkout -q -- pom.xml
perl -0pi -e 's{\s*<url>[^<]*</url>}{}' "$tmp/meta/pom.xml"
(cd "$tmp/meta" && mvn -B -o -q validate) > "$tmp/m4.log" 2>&1
expect "mvn validate fails without <url> in the parent POM" 1 $? "$tmp/m4.log" \
  "microstore-parent: Maven Central requires a project URL"
set -e

# ------------------------------------------------------------- 4. the release ----
section "4. scripts/release.sh $version --skip-tests"
clone "$tmp/repo"
out="$tmp/repo/target/release"
set +e
"$tmp/repo/scripts/release.sh" "$version" --skip-tests > "$tmp/release.log" 2>&1
status=$?
set -e
sed 's/^/   | /' "$tmp/release.log"
expect "release.sh $version exits 0 and reports what it produced" 0 "$status" "$tmp/release.log" \
  "central-check: OK: 8 components" "released microstore $version" "Nothing was pushed"
release_commit="$(git -C "$tmp/repo" rev-parse "v$version^{commit}" 2> /dev/null || echo none)"
if [[ "$(git -C "$tmp/repo" log -1 --format=%s "$release_commit" 2> /dev/null)" == "Release $version" ]] &&
  [[ -z "$(git -C "$tmp/repo" remote)" ]] && grep -q "^## \[$version\] - " "$tmp/repo/CHANGELOG.md"; then
  ok "commit 'Release $version' tagged v$version, CHANGELOG dated, no remote to push to"
else
  fail "no release commit and tag v$version"
fi

staging="$out/staging"
missing=()
for a in api testing tck nats cli spring-boot-starter; do
  d="$staging/dev/microstore/microstore-$a/$version"
  for f in "microstore-$a-$version.pom" "microstore-$a-$version.jar" \
    "microstore-$a-$version-sources.jar" "microstore-$a-$version-javadoc.jar"; do
    for s in "" .asc .md5 .sha1; do
      [[ -f "$d/$f$s" ]] || missing+=("$d/$f$s")
    done
  done
done
for a in parent bom; do
  for s in "" .asc .md5 .sha1; do
    f="$staging/dev/microstore/microstore-$a/$version/microstore-$a-$version.pom$s"
    [[ -f "$f" ]] || missing+=("$f")
  done
done
if ((${#missing[@]} == 0)); then
  ok "staging: 6 modules with POM, jar, sources and javadoc jars; parent POM and BOM; each with .asc, .md5, .sha1"
else
  fail "staging lacks ${missing[*]}"
fi
bad=0
count=0
while IFS= read -r -d '' asc; do
  count=$((count + 1))
  gpg --batch --verify "$asc" "${asc%.asc}" 2> /dev/null || {
    bad=1
    echo "     bad signature: $asc"
  }
done < <(find "$out" -maxdepth 1 -name '*.asc' -print0; find "$staging" -name '*.asc' -print0)
[[ "$bad" -eq 0 && "$count" -gt 0 ]] && ok "all $count signatures verify with the release key" ||
  fail "a signature does not verify"
(cd "$staging" && find . -name '*.md5' | while read -r m; do
  [[ "$(md5sum < "${m%.md5}" | cut -d' ' -f1)" == "$(cat "$m")" ]] || echo "$m"
done) > "$tmp/badsums"
[[ ! -s "$tmp/badsums" ]] && ok "every .md5 matches its file" || fail "checksums do not match: $(cat "$tmp/badsums")"
if jar tf "$out/central-bundle-$version.zip" > "$tmp/bundle.list" &&
  grep -q "microstore-bom-$version.pom.asc" "$tmp/bundle.list"; then
  ok "central-bundle-$version.zip holds the staging repository"
else
  fail "no Central bundle"
fi

tarball="$out/microstore-cli-$version.tar.gz"
deb="$(find "$out" -maxdepth 1 -name 'microstore_*.deb' | head -n 1)"
if [[ -f "$tarball" ]] && tar tzf "$tarball" > "$tmp/tar.list" &&
  grep -qx "microstore-cli-$version/bin/microstore" "$tmp/tar.list" &&
  grep -qx "microstore-cli-$version/lib/microstore-cli-$version.jar" "$tmp/tar.list" &&
  grep -qx "microstore-cli-$version/docs/semantics.md" "$tmp/tar.list" &&
  grep -qx "microstore-cli-$version/LICENSE" "$tmp/tar.list" &&
  grep -qx "microstore-cli-$version/CHANGELOG.md" "$tmp/tar.list"; then
  ok "$(basename "$tarball"): bin/microstore, the jar, the docs, LICENSE, CHANGELOG.md"
else
  fail "the CLI tarball is missing or incomplete"
fi
mkdir -p "$tmp/unpacked"
tar xzf "$tarball" -C "$tmp/unpacked"
"$tmp/unpacked/microstore-cli-$version/bin/microstore" --version > "$tmp/tarversion.log" 2>&1 || true
sed 's/^/   | /' "$tmp/tarversion.log"
expect "the tarball's bin/microstore --version names $version and the release commit" 0 0 "$tmp/tarversion.log" \
  "^microstore $version\$" "^commit $release_commit\$" "^jnats [0-9]"
if [[ -n "$deb" ]] && [[ "$(dpkg-deb -f "$deb" Package Version)" == "Package: microstore"*"Version: ${version//-/\~}-1" ]]; then
  ok "$(basename "$deb"): package microstore, version ${version//-/\~}-1"
else
  fail "no .deb of version ${version//-/\~}-1"
fi

# ------------------------------------------------------- 5. the staging check ----
section "5. scripts/CentralCheck.java fails on what Maven Central would refuse"
check="$ROOT/scripts/CentralCheck.java"
rehash() {
  local f
  for f in "$@"; do
    md5sum < "$f" | cut -d' ' -f1 > "$f.md5"
    sha1sum < "$f" | cut -d' ' -f1 > "$f.sha1"
  done
}
# mutant NAME SIGNED REGEX SCRIPT: SCRIPT changes a copy of the staging repository (in its
# directory, with $v the version); the check must fail and print REGEX.
mutant() {
  local name="$1" signed="$2" re="$3" script="$4" copy
  copy="$tmp/mutant-$((passed + failed))"
  cp -r "$staging" "$copy"
  (cd "$copy/dev/microstore" && v="$version" && eval "$script")
  set +e
  java "$check" $signed "$copy" > "$tmp/mutant.log" 2>&1
  expect "$name" 1 $? "$tmp/mutant.log" "$re" "FAILED"
  set -e
  rm -rf "$copy"
}
set +e
java "$check" --signed "$staging" > "$tmp/check.log" 2>&1
expect "the unchanged staging repository passes" 0 $? "$tmp/check.log" "OK: 8 components"
set -e
mutant "no <licenses> in the parent POM: every module fails" "" \
  "microstore-api-$version.pom: Maven Central requires a license" \
  'p=microstore-parent/$v/microstore-parent-$v.pom; perl -0pi -e "s{<licenses>.*?</licenses>}{}s" $p; rehash $p'
mutant "no <url> in the parent POM" "" \
  "microstore-nats-$version.pom: Maven Central requires a project URL" \
  'p=microstore-parent/$v/microstore-parent-$v.pom; perl -0pi -e "s{<url>[^<]*</url>}{}" $p; rehash $p'
mutant "no <developers> in the BOM" "" \
  "microstore-bom-$version.pom: Maven Central requires a developer" \
  'p=microstore-bom/$v/microstore-bom-$v.pom; perl -0pi -e "s{<developers>.*?</developers>}{}s" $p; rehash $p'
mutant "no <scm> in the BOM" "" \
  "microstore-bom-$version.pom: Maven Central requires the source repository" \
  'p=microstore-bom/$v/microstore-bom-$v.pom; perl -0pi -e "s{<scm>.*?</scm>}{}s" $p; rehash $p'
mutant "no <name> in a module's POM" "" \
  "microstore-tck-$version.pom: no <name>" \
  'p=microstore-tck/$v/microstore-tck-$v.pom; perl -0pi -e "s{<name>[^<]*</name>}{}" $p; rehash $p'
mutant "a module missing from the BOM" "" \
  "the BOM does not list dev.microstore:microstore-testing" \
  'p=microstore-bom/$v/microstore-bom-$v.pom; perl -0pi -e "s{<dependency>\s*<groupId>dev.microstore</groupId>\s*<artifactId>microstore-testing</artifactId>.*?</dependency>}{}s" $p; rehash $p'
mutant "no sources jar" "" \
  "microstore-nats-$version-sources.jar: missing; Maven Central requires a sources jar" \
  'rm microstore-nats/$v/microstore-nats-$v-sources.jar*'
mutant "no javadoc jar" "" \
  "microstore-spring-boot-starter-$version-javadoc.jar: missing; Maven Central requires a javadoc jar" \
  'rm microstore-spring-boot-starter/$v/microstore-spring-boot-starter-$v-javadoc.jar*'
mutant "no .sha1 checksum" "" \
  "microstore-api-$version.jar: no .sha1 checksum" \
  'rm microstore-api/$v/microstore-api-$v.jar.sha1'
mutant "a jar changed after it was checksummed" "" \
  "microstore-cli-$version.jar.md5: does not match" \
  'printf x >> microstore-cli/$v/microstore-cli-$v.jar'
mutant "no .asc signature" "--signed" \
  "microstore-parent-$version.pom: no .asc signature" \
  'rm microstore-parent/$v/microstore-parent-$v.pom.asc'
mutant "a snapshot version" "" \
  "is a snapshot" \
  'p=microstore-bom/$v/microstore-bom-$v.pom; perl -0pi -e "s{<version>$v</version>}{<version>1.0-SNAPSHOT</version>}" $p; rehash $p'

# ------------------------------------------------------------ 6. reproducible ----
section "6. a second build of v$version gives identical artifacts"
git clone -q "$tmp/repo" "$tmp/rebuild"
git -C "$tmp/rebuild" checkout -q "v$version"
set +e
(cd "$tmp/rebuild" && mvn -B -o -q clean package -DskipTests) > "$tmp/rebuild.log" 2>&1
status=$?
set -e
if [[ "$status" -ne 0 ]]; then
  fail "the second build failed"
  tail -n 20 "$tmp/rebuild.log" | sed 's/^/     | /'
else
  same=0
  differ=()
  while IFS= read -r -d '' jar; do
    name="$(basename "$jar")"
    module="${name%%-"$version"*}"
    again="$tmp/rebuild/$module/target/$name"
    a="$(sha256sum < "$jar" | cut -d' ' -f1)"
    b="$(sha256sum < "$again" 2> /dev/null | cut -d' ' -f1 || true)"
    printf '   %s  %s  %s\n' "$a" "$([[ "$a" == "$b" ]] && echo "=" || echo "!= ${b:-missing}")" "$name"
    if [[ "$a" == "$b" ]]; then same=$((same + 1)); else differ+=("$name"); fi
  done < <(find "$staging" -name '*.jar' -print0 | sort -z)
  ((${#differ[@]} == 0 && same > 0)) && ok "all $same jars are byte-identical (sha256) across the two builds" ||
    fail "jars differ between the builds: ${differ[*]}"
  (cd "$tmp/rebuild" && scripts/package-cli.sh --no-deb --out "$tmp/rebuild-out") > /dev/null
  a="$(sha256sum < "$tarball" | cut -d' ' -f1)"
  b="$(sha256sum < "$tmp/rebuild-out/$(basename "$tarball")" | cut -d' ' -f1)"
  printf '   %s  %s  %s\n' "$a" "$([[ "$a" == "$b" ]] && echo "=" || echo "!= $b")" "$(basename "$tarball")"
  [[ "$a" == "$b" ]] && ok "the CLI tarball is byte-identical across the two builds" || fail "the CLI tarballs differ"
fi

# --------------------------------------------------------------- 7. the .deb ----
section "7. install the .deb, run it, remove it"
set +e
"$ROOT/scripts/test-deb.sh" "$deb" 2>&1 | tee "$tmp/deb.log" | sed 's/^/   | /'
status=${PIPESTATUS[0]}
set -e
expect "scripts/test-deb.sh: installed, --version and demo ran, removed" 0 "$status" "$tmp/deb.log" \
  "test-deb.sh: [0-9]+ passed, 0 failed"

echo
echo "test-release.sh: $passed passed, $failed failed"
[[ "$failed" -eq 0 ]]
