#!/usr/bin/env bash
# Fresh machine to a first cycle: installs what CaseWatch needs, builds it, checks the sample set-up
# (casewatch.yml: SQLite state, the sample registry, file transports) and runs one cycle.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
swift build -c release --product casewatch
.build/release/casewatch check
.build/release/casewatch run --once
