#!/usr/bin/env bash
# CaseWatch's benchmark suite, one command: installs what it needs (Debian: nginx, wrk, postfix for
# smtp-sink/smtp-source, hyperfine, gcc, postgresql; PyPI: Apprise in a venv under /tmp), builds the release binaries,
# runs every benchmark beside its peer on this machine, and writes BENCHMARKS.md. Debian's python3-openpyxl too: part 7
# writes its workbook with it and times it reading that workbook.
#
#   Benchmarks/run.sh                          # everything (about 10 minutes once built, 5 of them PostgreSQL)
#   BENCH_QUICK=1 Benchmarks/run.sh            # smaller counts, to try the harness (figures not comparable)
#   BENCH_RESULTS=/some/dir Benchmarks/run.sh  # also keep the raw results there
#                                              # (python3 Benchmarks/tools/report.py DIR BENCHMARKS.md redoes the page)
#   BENCH_ONLY=postgres Benchmarks/run.sh      # only the parts named (webhooks email registry fanout idle postgres
#                                              # import feeds);
#                                              # BENCHMARKS.md keeps the other sections and gets those parts anew
#
# Everything listens on 127.0.0.1 on free ports; every process started here is stopped by its PID on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

venv=${CASEWATCH_BENCH_VENV:-/tmp/casewatch-bench-venv}
webhook_count=20000 email_count=5000 fanout_count=100000 registry_sizes="1000 10000 100000" peer_seconds=10
repeats=5 hyperfine_runs=30 postgres_repeats=3 postgres_nodes="1 2 3" import_entries=2000
if [ -n "${BENCH_QUICK:-}" ]; then
  webhook_count=2000 email_count=500 fanout_count=10000 registry_sizes="1000 10000" peer_seconds=3
  repeats=1 hyperfine_runs=10 postgres_repeats=1
fi
# The parts to run: all of them, or those BENCH_ONLY names.
only=${BENCH_ONLY:-}
for name in $only; do
  case "$name" in
    webhooks|email|registry|fanout|idle|postgres|import|feeds) ;;
    *) echo "BENCH_ONLY: unknown part $name (webhooks email registry fanout idle postgres import feeds)" >&2; exit 64 ;;
  esac
done
part() { [ -z "$only" ] || [[ " $only " == *" $1 "* ]]; }

work=$(mktemp -d /tmp/casewatch-bench.XXXXXX)
results="$work/results"
mkdir -p "$results"
pids=()
cleanup() {
  local pid
  if [ -n "${BENCH_RESULTS:-}" ] && [ -d "$results" ]; then
    mkdir -p "$BENCH_RESULTS" && cp -r "$results/." "$BENCH_RESULTS/"
  fi
  for pid in "${pids[@]}"; do
    stop "$pid"
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '\n== %s\n' "$*" >&2; }

# ---------------------------------------------------------------------------------------------------
log "installing what the benchmarks need"
scripts/install-deps.sh
# postgresql: the server binaries Tests/Peers/postgres_peer.py runs (the package `scripts/install-deps.sh --tests`
# installs for the tests); the default cluster Debian may start on 5432 is not used.
# python3-openpyxl: part 7 writes its XLSX with it (Tests/Peers/make_xlsx.py) and times it reading that file.
packages=(nginx-light wrk postfix hyperfine python3 python3-venv python3-openpyxl time gcc sqlite3 postgresql curl)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  # Postfix only for its smtp-sink and smtp-source tools: no mail system is configured.
  echo "postfix postfix/main_mailer_type select No configuration" | $sudo debconf-set-selections
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
apprise_version=2.3.0   # pinned so that runs stay comparable; raise it deliberately
if ! "$venv/bin/python" -c "import apprise, sys; sys.exit(apprise.__version__ != '$apprise_version')" 2>/dev/null; then
  /usr/bin/python3 -m venv "$venv"
  "$venv/bin/pip" install -q "apprise==$apprise_version"
fi

log "building (release)"
swift build -c release --product casewatch-bench
swift build -c release --product casewatch
bin=$(swift build -c release --show-bin-path)
# libcurl alone, as a peer of the webhook benchmark (Benchmarks/tools/libcurl_rate.c).
cc -O2 -o "$work/libcurl_rate" "$repo/Benchmarks/tools/libcurl_rate.c" -lcurl -lpthread
bench="$bin/casewatch-bench"
casewatch="$bin/casewatch"

free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
wait_for_port() {
  local tries
  for tries in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "nothing listens on 127.0.0.1:$1" >&2
  return 1
}
# Stops one process started here, by its PID (TERM, then KILL after 5 s), and forgets it.
stop() {
  kill "$1" 2>/dev/null || true
  local tries
  for tries in $(seq 50); do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  local kept=() pid
  for pid in "${pids[@]}"; do [ "$pid" = "$1" ] || kept+=("$pid"); done
  pids=("${kept[@]+"${kept[@]}"}")
}

# ---------------------------------------------------------------------------------------------------
log "machine"
{
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc=$(nproc)"
  echo "cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
  echo "memory=$(free -m | awk '/^Mem:/ {print $2 " MiB"}')"
  echo "kernel=$(uname -r)"
  echo "os=$(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "swift=$(swift --version 2>&1 | head -1)"
  echo "nginx=$(nginx -v 2>&1 | sed 's/.*: //')"
  echo "wrk=$(wrk -v 2>&1 | head -1 | awk '{print $1 " " $2}')"
  echo "postfix=$(dpkg-query -W -f='${Version}' postfix)"
  echo "hyperfine=$(hyperfine --version)"
  echo "apprise=$("$venv/bin/python" -c 'import apprise; print(apprise.__version__)')"
  echo "python=$("$venv/bin/python" --version 2>&1)"
  echo "libcurl=$(dpkg-query -W -f='${Version}' libcurl4)"
  echo "sqlite=$(dpkg-query -W -f='${Version}' libsqlite3-0)"
  echo "postgresql=$("$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/postgres" --version)"
  echo "openpyxl=$(dpkg-query -W -f='${Version}' python3-openpyxl)"
  echo "system_python=$(/usr/bin/python3 --version 2>&1)"
} > "$results/machine.txt"
cat "$results/machine.txt" >&2

# The webhook sink: nginx, one worker, 204 for POST /hook, access log off. Sets nginx_pid and hook.
start_nginx() {
http_port=$(free_port)
rm -rf "$work/nginx"
mkdir -p "$work/nginx"
cat > "$work/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    keepalive_requests 1000000;
    keepalive_timeout 60s;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    server {
        listen 127.0.0.1:$http_port;
        location = /hook { return 204; }
        # A Matrix homeserver's answers: a message PUT into a room, and what Apprise asks first.
        location ~ ^/_matrix/client/(r0|v3)/rooms/[^/]+/send/m\\.room\\.message/ {
            default_type application/json;
            return 200 '{"event_id":"evt-bench"}';
        }
        location ~ ^/_matrix/client/(r0|v3)/account/whoami\$ {
            default_type application/json;
            return 200 '{"user_id":"@casewatch:localhost","device_id":"BENCH"}';
        }
        location ~ ^/_matrix/client/(r0|v3)/join/ {
            default_type application/json;
            return 200 '{"room_id":"!bench:localhost"}';
        }
        location / { return 404; }
    }
}
EOF
nginx -e "$work/nginx/error.log" -p "$work/nginx" -c "$work/nginx/nginx.conf" &
nginx_pid=$!
pids+=("$nginx_pid")
wait_for_port "$http_port"
hook="http://127.0.0.1:$http_port/hook"
}

# CaseWatch's webhook cycle on SQLite (casewatch-bench deliver-webhooks), then wrk's ceiling, against $hook, into
# $results/{webhooks,wrk}.jsonl; with an argument PART, into $results/PART-{webhooks,wrk}.jsonl, each line marked
# "part": PART (the figures that part is set beside when it runs without part 1).
sqlite_webhooks_and_wrk() {
local tag=${1:-} prefix=""
[ -z "$tag" ] || prefix="$tag-"
mark() { if [ -n "$tag" ]; then sed "s/^{/{\"part\": \"$tag\", /"; else cat; fi; }
# One warm-up cycle first (page cache, the sink's connections, the CPU's caches), not recorded.
timeout 300 "$bench" deliver-webhooks --count "$webhook_count" --url "$hook" --concurrency 8 \
  --templates "$repo/templates" > /dev/null
for run in $(seq "$repeats"); do
  timeout 300 "$bench" deliver-webhooks --count "$webhook_count" --url "$hook" --concurrency 8 \
    --templates "$repo/templates" --sample-out "$work/webhook-body.json" | mark >> "$results/${prefix}webhooks.jsonl"
done
timeout 60 wrk -t2 -c8 -d"${peer_seconds}s" -s "$repo/Benchmarks/tools/wrk-post.lua" "$hook" \
  -- "$work/webhook-body.json" | grep '^{' | mark > "$results/${prefix}wrk.jsonl"
}

# ---------------------------------------------------------------------------------------------------
if part webhooks; then
log "1. webhooks: $webhook_count deliveries to nginx (204) on loopback, beside wrk, libcurl alone and Apprise json://; Matrix beside Apprise matrix://"
start_nginx
sqlite_webhooks_and_wrk
for mode in lanes multi; do
  timeout 120 "$work/libcurl_rate" "$hook" "$work/webhook-body.json" "$webhook_count" "$mode" \
    >> "$results/libcurl.jsonl"
done
timeout 120 "$venv/bin/python" "$repo/Benchmarks/tools/apprise_rate.py" "json://127.0.0.1:$http_port/hook" \
  "$peer_seconds" "$work/webhook-body.json" > "$results/apprise-json.jsonl"
# Matrix: one alert to as many rooms on the same sink, answering as a homeserver does; then Apprise matrix://.
timeout 300 "$bench" deliver-matrix --count "$webhook_count" --homeserver "http://127.0.0.1:$http_port" \
  --concurrency 8 --templates "$repo/templates" --sample-out "$work/matrix-body.json" > /dev/null
for run in $(seq "$repeats"); do
  timeout 300 "$bench" deliver-matrix --count "$webhook_count" --homeserver "http://127.0.0.1:$http_port" \
    --concurrency 8 --templates "$repo/templates" >> "$results/matrix.jsonl"
done
python3 -c 'import json, sys; sys.stdout.write(json.load(open(sys.argv[1]))["body"])' "$work/matrix-body.json" \
  > "$work/matrix-text.txt"
matrix_url="matrix://syt_casewatch_bench@127.0.0.1:$http_port/!bench:localhost?v=3"
timeout 120 "$venv/bin/python" "$repo/Benchmarks/tools/apprise_rate.py" "$matrix_url" 6 "$work/matrix-text.txt" \
  > "$results/apprise-matrix-default.jsonl"
timeout 120 "$venv/bin/python" "$repo/Benchmarks/tools/apprise_rate.py" --no-throttle "$matrix_url" "$peer_seconds" \
  "$work/matrix-text.txt" > "$results/apprise-matrix.jsonl"
stop "$nginx_pid"
fi

# ---------------------------------------------------------------------------------------------------
if part email; then
log "2. e-mail: $email_count alerts to smtp-sink on loopback, beside smtp-source and Apprise mailto://"
smtp_port=$(free_port)
/usr/sbin/smtp-sink -u nobody "127.0.0.1:$smtp_port" 1000 > "$work/smtp-sink.log" 2>&1 &
sink_pid=$!
pids+=("$sink_pid")
wait_for_port "$smtp_port"

timeout 300 "$bench" deliver-emails --count "$email_count" --smtp "smtp://127.0.0.1:$smtp_port" --concurrency 8 \
  --templates "$repo/templates" > /dev/null   # warm-up, not recorded
for run in $(seq "$repeats"); do
  timeout 300 "$bench" deliver-emails --count "$email_count" --smtp "smtp://127.0.0.1:$smtp_port" --concurrency 8 \
    --templates "$repo/templates" --sample-out "$work/alert.eml" >> "$results/emails.jsonl"
done
# DKIM (email.dkim): the same delivery with every message signed rsa-sha256 as it is sent, and the signing alone
# timed per message (rsa-sha256, then with ed25519-sha256 beside it); keys made by openssl for the run.
: > "$results/emails-dkim.jsonl"
for run in $(seq "$repeats"); do
  timeout 300 "$bench" deliver-emails --count "$email_count" --smtp "smtp://127.0.0.1:$smtp_port" --concurrency 8 \
    --templates "$repo/templates" --dkim rsa >> "$results/emails-dkim.jsonl"
done
timeout 300 "$bench" dkim-sign --count 2000 --templates "$repo/templates" > "$results/dkim-sign.jsonl"
# smtp-source sends the very message CaseWatch sends (it adds the CRLFs itself), 8 sessions, each kept open.
tr -d '\r' < "$work/alert.eml" > "$work/alert.lf.eml"
start=$(date +%s.%N)
timeout 120 /usr/sbin/smtp-source -d -s 8 -m "$email_count" -F "$work/alert.lf.eml" -M localhost \
  -f alerts@example.org -t subscriber@example.org "127.0.0.1:$smtp_port"
end=$(date +%s.%N)
/usr/bin/python3 -c "import json, sys; n, s = int(sys.argv[1]), float(sys.argv[3]) - float(sys.argv[2]); \
print(json.dumps({'benchmark': 'smtp-source', 'messages': n, 'seconds': round(s, 4), 'per_second': round(n / s, 1), \
'message_bytes': int(sys.argv[4]), 'sessions': 8}))" "$email_count" "$start" "$end" "$(wc -c < "$work/alert.eml")" \
  > "$results/smtp-source.jsonl"
# Apprise as a user gets it (its e-mail plugin waits 5.5 s between messages), then with that pause removed.
text_body="$work/alert-text.txt"
/usr/bin/python3 - "$work/alert.eml" "$text_body" <<'EOF'
import email, sys
message = email.message_from_binary_file(open(sys.argv[1], "rb"))
for part in message.walk():
    if part.get_content_type() == "text/plain":
        open(sys.argv[2], "w", encoding="utf-8").write(part.get_payload(decode=True).decode("utf-8"))
        break
EOF
mailto="mailto://127.0.0.1:$smtp_port?from=alerts@example.org&to=subscriber@example.org&mode=insecure"
timeout 120 "$venv/bin/python" "$repo/Benchmarks/tools/apprise_rate.py" "$mailto" 12 "$text_body" \
  > "$results/apprise-mailto-default.jsonl"
timeout 120 "$venv/bin/python" "$repo/Benchmarks/tools/apprise_rate.py" --no-throttle "$mailto" "$peer_seconds" \
  "$text_body" > "$results/apprise-mailto.jsonl"
stop "$sink_pid"
fi

# ---------------------------------------------------------------------------------------------------
if part registry; then
log "3. registry scale: $registry_sizes generated cases"
for size in $registry_sizes; do
  timeout 300 "$bench" registry --cases "$size" >> "$results/registry.jsonl"
done
largest=${registry_sizes##* }
setup="$work/scale"
mkdir -p "$setup/subscribers"
cp -r "$repo/templates" "$setup/templates"
"$bench" make-registry --cases "$largest" --out "$setup/registry" > /dev/null
cat > "$setup/casewatch.yml" <<'EOF'
state: var/casewatch.sqlite
registry:
  sources:
    - path: registry/
  initial_sync: silent
templates: templates/
subscribers: subscribers/
email:
  transport: file
  from: "CaseWatch <alerts@example.org>"
  directory: var/mail
webhooks:
  transport: file
  directory: var/webhooks
http:
  token_secret_env: CASEWATCH_BENCH_TOKEN_SECRET
EOF
export CASEWATCH_BENCH_TOKEN_SECRET=bench-token-secret
for pass in first second; do
  timeout 300 /usr/bin/time -v -o "$results/run-once-$pass.time" \
    "$casewatch" run --once --config "$setup/casewatch.yml" > "$results/run-once-$pass.out" 2>&1
done
echo "$largest" > "$results/run-once-cases.txt"
# The physical floor of reading and storing those cases here: the sqlite3 command loading their rows.
timeout 300 /usr/bin/time -v -o "$results/sqlite3-load.time" sqlite3 "$work/sqlite3-peer.db" \
  "PRAGMA journal_mode=WAL; CREATE TABLE cases (id TEXT PRIMARY KEY, json TEXT NOT NULL); BEGIN;
   INSERT INTO cases SELECT json_extract(value, '\$.id'), value FROM json_each(readfile('$setup/registry/cases.json'));
   COMMIT;" > /dev/null
fi

# ---------------------------------------------------------------------------------------------------
if part fanout; then
log "4. fan-out: one event to $fanout_count subscribers"
timeout 300 "$bench" fanout --subscribers "$fanout_count" --templates "$repo/templates" > "$results/fanout.jsonl"
fi

# ---------------------------------------------------------------------------------------------------
if part idle; then
log "5. idle cron tick: run --once on the sample set-up with nothing new, beside an empty Swift program"
idle="$work/idle"
mkdir -p "$idle"
cp -r "$repo/casewatch.yml" "$repo/registry" "$repo/authorities" "$repo/subscribers" "$repo/templates" "$idle/"
COE_WEBHOOK_SECRET="whsec_$(head -c 32 /dev/urandom | base64)"
export COE_WEBHOOK_SECRET
"$casewatch" run --once --config "$idle/casewatch.yml" > "$results/idle-first.out" 2>&1
"$casewatch" run --once --config "$idle/casewatch.yml" > "$results/idle-second.out" 2>&1
printf 'print("")\n' > "$work/empty.swift"
swiftc -O "$work/empty.swift" -o "$work/empty-swift" 2>/dev/null
timeout 300 hyperfine -N --warmup 3 --runs "$hyperfine_runs" --export-json "$results/hyperfine.json" \
  -n "casewatch run --once (idle)" "$casewatch run --once --config $idle/casewatch.yml" \
  -n "empty Swift executable" "$work/empty-swift" > "$results/hyperfine.out" 2>&1
fi

# ---------------------------------------------------------------------------------------------------
if part postgres; then
log "6. PostgreSQL nodes: $webhook_count webhook deliveries by 1, 2 and 3 casewatch run --once nodes sharing one database, beside one node on SQLite"
start_nginx
# Run without part 1 (BENCH_ONLY=postgres), this part measures the SQLite cycle and wrk's ceiling it is set beside.
part webhooks || sqlite_webhooks_and_wrk postgres
# The repository's throw-away PostgreSQL (initdb as the postgres user in a new directory under /tmp, a free
# loopback port written to the port file once it answers; deleted when it gets SIGTERM).
postgres_dir="$work/postgres"
mkdir -p "$postgres_dir"
/usr/bin/python3 "$repo/Tests/Peers/postgres_peer.py" --port-file "$postgres_dir/port" --stop-with-parent \
  --lifetime 7200 2> "$postgres_dir/peer.log" &
postgres_peer_pid=$!
pids+=("$postgres_peer_pid")
for tries in $(seq 1200); do
  [ -s "$postgres_dir/port" ] && break
  kill -0 "$postgres_peer_pid" 2>/dev/null || { cat "$postgres_dir/peer.log" >&2; exit 1; }
  sleep 0.1
done
[ -s "$postgres_dir/port" ] || { echo "the PostgreSQL peer did not start within 120 s" >&2; exit 1; }
postgres_port=$(cat "$postgres_dir/port")
"$bench" make-registry --cases 10 --out "$postgres_dir/registry" > /dev/null
CASEWATCH_BENCH_WEBHOOK_SECRET="whsec_$(head -c 32 /dev/urandom | base64)"
export CASEWATCH_BENCH_WEBHOOK_SECRET CASEWATCH_BENCH_TOKEN_SECRET=bench-token-secret
# One measurement: a fresh store (a new database, or a new SQLite file), the deliveries queued, the nodes started
# together; one JSON line (Benchmarks/tools/pg_nodes.py says what is measured and how).
nodes_run() {
  timeout 3600 /usr/bin/python3 "$repo/Benchmarks/tools/pg_nodes.py" --count "$webhook_count" --hook "$hook" \
    --casewatch "$casewatch" --bench "$bench" --templates "$repo/templates" --registry "$postgres_dir/registry" \
    --work "$postgres_dir" --sink-pid "$nginx_pid" "$@"
}
nodes_run --postgres "$postgres_port" --peer-pid "$postgres_peer_pid" --nodes 1 --database warmup > /dev/null
for run in $(seq "$postgres_repeats"); do
  nodes_run --sqlite --database "sqlite_run$run" >> "$results/sqlite-node.jsonl"
  for nodes in $postgres_nodes; do
    nodes_run --postgres "$postgres_port" --peer-pid "$postgres_peer_pid" --nodes "$nodes" \
      --database "nodes${nodes}_run$run" >> "$results/pg-nodes.jsonl"
  done
done
stop "$postgres_peer_pid"
stop "$nginx_pid"
fi

# ---------------------------------------------------------------------------------------------------
if part import; then
log "7. importing an official list: $import_entries entries of the undesirable list from XLSX, a first and an unchanged run, beside openpyxl reading the same file"
imports="$work/import"
xlsx="$imports/undesirable.xlsx"
mkdir -p "$imports"
/usr/bin/python3 "$repo/Benchmarks/tools/undesirable_xlsx.py" "$xlsx" "$import_entries"
export CASEWATCH_BENCH_TOKEN_SECRET=bench-token-secret
# A fresh set-up for each run, its only registry source the list, imported (its first read is silent).
import_setup() {
  rm -rf "$imports/setup"
  mkdir -p "$imports/setup/subscribers" "$imports/setup/lists"
  cp -r "$repo/templates" "$imports/setup/templates"
  cp "$xlsx" "$imports/setup/lists/undesirable.xlsx"
  cat > "$imports/setup/casewatch.yml" <<'EOF'
state: var/casewatch.sqlite
registry:
  sources:
    - {id: undesirable, import: minjust-undesirable, path: lists/undesirable.xlsx}
  initial_sync: silent
templates: templates/
subscribers: subscribers/
email:
  transport: file
  from: "CaseWatch <alerts@example.org>"
  directory: var/mail
webhooks:
  transport: file
  directory: var/webhooks
http:
  token_secret_env: CASEWATCH_BENCH_TOKEN_SECRET
EOF
}
# What an operator would script instead: openpyxl merely reading the sheet's rows, read_only (streaming) and not.
declare -A openpyxl_code=(
  [read-only]="import openpyxl; wb = openpyxl.load_workbook('$xlsx', read_only=True); rows = sum(1 for _ in wb['Лист 1'].iter_rows(values_only=True)); print(rows)"
  [full]="import openpyxl; wb = openpyxl.load_workbook('$xlsx'); rows = sum(1 for _ in wb['Лист 1'].iter_rows(values_only=True)); print(rows)"
)
# One warm-up of each (the page cache, the binary's pages, Python's modules), not recorded.
import_setup
"$casewatch" run --once --config "$imports/setup/casewatch.yml" > /dev/null 2>&1
for mode in read-only full; do /usr/bin/python3 -c "${openpyxl_code[$mode]}" > /dev/null; done
# Each run: a fresh set-up, the import (first), the same list again (unchanged), then openpyxl's two reads.
for run in $(seq "$repeats"); do
  import_setup
  for pass in first second; do
    timeout 300 /usr/bin/time -v -o "$results/import-$pass-$run.time" \
      "$casewatch" run --once --config "$imports/setup/casewatch.yml" > "$results/import-$pass-$run.out" 2>&1
  done
  for mode in read-only full; do
    timeout 300 /usr/bin/time -v -o "$results/openpyxl-$mode-$run.time" \
      /usr/bin/python3 -c "${openpyxl_code[$mode]}" > "$results/openpyxl-$mode-$run.out"
  done
done
# One JSON line per timed command: wall time and max RSS from /usr/bin/time -v, what casewatch said it read.
/usr/bin/python3 - "$results" "$repeats" "$import_entries" "$(wc -c < "$xlsx")" > "$results/import.jsonl" <<'EOF'
import json, re, sys
from pathlib import Path
results, repeats, entries, size = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def timed(name):
    text = (results / f"{name}.time").read_text()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (.+)", text).group(1).strip()
    seconds = sum(float(part) * 60 ** index for index, part in enumerate(reversed(wall.split(":"))))
    field = lambda label: re.search(label + r": ([\d.]+)", text).group(1)
    return {"seconds": round(seconds, 3), "user": float(field(r"User time \(seconds\)")),
            "sys": float(field(r"System time \(seconds\)")),
            "max_rss_mb": round(int(field(r"Maximum resident set size \(kbytes\)")) / 1024, 1),
            "status": int(field("Exit status"))}
for run in range(1, repeats + 1):
    for name in ("first", "second"):
        output = (results / f"import-{name}-{run}.out").read_text()
        said = re.search(r"(\d+) case\(s\) in the registry \((\d+) read anew\)", output)
        line = next((line for line in output.splitlines() if "read anew" in line), output.strip()[-300:])
        print(json.dumps({"benchmark": f"import-{name}", "run": run, "entries": entries, "xlsx_bytes": size,
                          **timed(f"import-{name}-{run}"), "cases": int(said.group(1)) if said else None,
                          "read_anew": int(said.group(2)) if said else None, "said": line}, ensure_ascii=False))
    for mode in ("read-only", "full"):
        rows = (results / f"openpyxl-{mode}-{run}.out").read_text().strip()
        print(json.dumps({"benchmark": f"openpyxl-{mode}", "run": run, "entries": entries, "xlsx_bytes": size,
                          **timed(f"openpyxl-{mode}-{run}"), "rows": int(rows) if rows.isdigit() else None}))
EOF
cat "$results/import.jsonl" >&2
fi

# ---------------------------------------------------------------------------------------------------
if part feeds; then
log "8. the daemon's published documents under a burst: wrk against casewatch serve's /feed.atom and /cases.json, beside its /healthz"
feeds="$work/feeds"
mkdir -p "$feeds/subscribers"
cp -r "$repo/registry" "$repo/authorities" "$repo/templates" "$feeds/"
feeds_port=$(free_port)
# The sample registry announced (29 case.added events fill the feed), nobody subscribed, the cycle hourly: the
# burst meets a daemon between cycles, as readers mostly do.
cat > "$feeds/casewatch.yml" <<EOF
state: var/casewatch.sqlite
registry: {sources: [{path: registry/}], initial_sync: announce}
authorities: authorities/
templates: templates/
subscribers: subscribers/
email: {transport: file, from: "CaseWatch <alerts@example.org>", directory: var/mail}
webhooks: {transport: file, directory: var/webhooks}
schedule: {interval: 1h}
http: {listen: "127.0.0.1:$feeds_port", base_url: "http://127.0.0.1:$feeds_port", token_secret_env: CASEWATCH_BENCH_TOKEN_SECRET}
EOF
(cd "$feeds" && CASEWATCH_BENCH_TOKEN_SECRET=bench-token-secret exec "$casewatch" serve --config casewatch.yml \
  > "$feeds/serve.out" 2>&1) &
feeds_pid=$!
pids+=("$feeds_pid")
wait_for_port "$feeds_port"
for tries in $(seq 100); do  # the first cycle records the registry and its events
  curl -s "http://127.0.0.1:$feeds_port/feed.atom?lang=ru" | grep -q "<entry>" && break
  sleep 0.1
done
for path in "/healthz" "/feed.atom?lang=ru" "/cases.json"; do
  for run in $(seq "$repeats"); do
    timeout 60 wrk -t2 -c64 -d"${peer_seconds}s" --latency -s "$repo/Benchmarks/tools/wrk-get.lua" \
      "http://127.0.0.1:$feeds_port$path" | grep '^{' >> "$results/feeds.jsonl"
  done
done
stop "$feeds_pid"
cat "$results/feeds.jsonl" >&2
fi

# ---------------------------------------------------------------------------------------------------
log "writing BENCHMARKS.md"
/usr/bin/python3 "$repo/Benchmarks/tools/report.py" "$results" "$repo/BENCHMARKS.md" ${BENCH_QUICK:+--quick} \
  ${only:+--only "$only"}
echo "BENCHMARKS.md written" >&2
