#!/usr/bin/env bash
# The test command: installs what the tests need (nats-server binaries: Debian stable's and the
# newest from Debian's testing suite; Debian's chromium and chromium-driver for the web console's
# browser tests) and runs every module's tests with `mvn -B verify`.
# Extra arguments go to Maven, e.g. scripts/test.sh -pl microstore-nats -am
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-nats-server.sh
scripts/install-browser.sh
# shellcheck source=scripts/nats-server-env.sh
source scripts/nats-server-env.sh

exec mvn -B verify "$@"
