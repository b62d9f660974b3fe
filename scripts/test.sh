#!/usr/bin/env bash
# The test command: installs what the tests need (nats-server binaries: Debian stable's and the
# newest from Debian's testing suite) and runs every module's tests with `mvn -B verify`.
# Extra arguments go to Maven, e.g. scripts/test.sh -pl microstore-nats -am
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-nats-server.sh
# shellcheck source=scripts/nats-server-env.sh
source scripts/nats-server-env.sh

exec mvn -B verify "$@"
