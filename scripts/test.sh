#!/usr/bin/env bash
# Installs what the tests need (libcurl, aiosmtpd, openssl, PostgreSQL, Synapse, dkimpy, Chromium and Selenium, promtool,
# systemd-analyze) and runs every test suite: unit tests, tests against real SMTP, HTTP, PostgreSQL and Matrix peers on
# 127.0.0.1, end-to-end tests of the built binary and the console in a real browser; then the fuzzers, briefly.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --tests
swift build --product casewatch
swift build --product casewatch-bench   # the benchmark harness, run small by the end-to-end tests
swift build --product CaseWatchPackageTests
swift test --skip-build "$@"
# The fuzz targets (Fuzz/Package.swift, built apart into .build-fuzz with -sanitize=fuzzer): built, and the case-file
# and subscriber loaders fuzzed briefly; `scripts/fuzz.sh` alone runs every target for longer.
scripts/fuzz.sh --time 20 case-yaml case-json subscribers
