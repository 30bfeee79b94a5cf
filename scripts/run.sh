#!/usr/bin/env bash
# Fresh machine to a first cycle: installs what CaseWatch needs, builds it, checks the sample set-up
# (casewatch.yml: SQLite state, the sample registry, file transports) and runs one cycle.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
# The example webhook subscriber (subscribers/coe-commissioner.yaml) signs with the secret in
# COE_WEBHOOK_SECRET; outside a real deployment, a throw-away one is made for this run.
export COE_WEBHOOK_SECRET="${COE_WEBHOOK_SECRET:-whsec_$(head -c 32 /dev/urandom | base64)}"
swift build -c release --product casewatch
.build/release/casewatch check
.build/release/casewatch run --once
