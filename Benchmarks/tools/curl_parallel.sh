#!/usr/bin/env bash
# libcurl's own rate against the webhook sink: the curl command line (C, libcurl's multi interface, one
# thread, 8 transfers at a time over keep-alive connections) POSTing the same body with headers of the same
# shape and size as a signed delivery, and nothing else: no signing, no store, no bookkeeping.
# Usage: curl_parallel.sh URL BODY_FILE COUNT   -> one JSON line
set -euo pipefail
url=$1 body=$2 count=$3
config=$(mktemp /tmp/casewatch-curl.XXXXXX)
trap 'rm -f "$config"' EXIT
for _ in $(seq "$count"); do printf 'url = "%s"\noutput = "/dev/null"\n' "$url"; done > "$config"
start=$(date +%s.%N)
curl --no-progress-meter --fail --parallel --parallel-max 8 -X POST --data-binary "@$body" \
  -H "Content-Type: application/json" -H "User-Agent: CaseWatch/1" \
  -H "webhook-id: msg_$(printf 'a%.0s' $(seq 26))" -H "webhook-timestamp: 1764240000" \
  -H "webhook-signature: v1,$(printf 'A%.0s' $(seq 43))=" -K "$config"
end=$(date +%s.%N)
/usr/bin/python3 -c "import json, sys; n, s = int(sys.argv[1]), float(sys.argv[3]) - float(sys.argv[2]); \
print(json.dumps({'benchmark': 'curl-parallel', 'requests': n, 'seconds': round(s, 4), 'per_second': round(n / s, 1), \
'parallel': 8}))" "$count" "$start" "$end"
