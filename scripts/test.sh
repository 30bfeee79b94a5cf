#!/usr/bin/env bash
# Installs what the tests need (libcurl, aiosmtpd, openssl, PostgreSQL, Synapse, dkimpy) and runs every test suite: unit tests,
# tests against real SMTP and HTTP peers on 127.0.0.1, and end-to-end tests of the built binary.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --tests
swift build --product casewatch
swift build --product casewatch-bench   # the benchmark harness, run small by the end-to-end tests
swift build --product CaseWatchPackageTests
swift test --skip-build "$@"
