#!/usr/bin/env bash
# Writes this fixture with the casewatch binary of the release before (version 1 of the formats; commit c5a97fe):
#
#   Tests/Fixtures/release-1/make-fixture.sh /path/to/release-1/casewatch /path/to/release-1/checkout
#
# It keeps what an operator of that release has on disk: the state (casewatch.sqlite), the version-1 case and
# subscriber files the state was written from, its templates folder (which lacks what was added since), and
# e-mails it sent (their unsubscribe links must keep working).
# The upgrade test (Tests/DaemonTests/UpgradeTests.swift) copies all of it and runs today's release over it.
set -euo pipefail
binary=$1 checkout=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/casewatch-release-1.XXXXXX)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
cp -r "$checkout/registry" "$checkout/subscribers" "$checkout/templates" "$checkout/casewatch.yml" "$work/"
cd "$work"
export CASEWATCH_TOKEN_SECRET=release-1-token-secret COE_WEBHOOK_SECRET=whsec_release1release1release1release1
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sed -i "s/listen: 127.0.0.1:8080/listen: 127.0.0.1:$port/" casewatch.yml

# 1. The first sync: silent.
"$binary" run --once
# 2. Two hearings set and a step added: e-mails to the journalist and the lawyer, the webhook, all delivered.
python3 - <<'PY'
import re
def edit(path, fn):
    text = open(path).read(); open(path, "w").write(fn(text))
edit("registry/international-memorial-liquidation.yaml", lambda t: t.replace(
    "next_hearing: null", "next_hearing: {date: 2027-03-15, time: \"10:00\", court: Supreme Court of Russia}"))
edit("registry/sakharov-center-liquidation.yaml", lambda t: t.replace("status: ruling_issued", "status: appeal_filed")
     .replace("\nsources:", "\n  - {date: 2026-11-20, status: appeal_filed, note: \"The centre appeals.\"}\nsources:", 1))
PY
"$binary" run --once
# 3. The journalist unsubscribes with the link of the e-mail she received (one-click POST, RFC 8058).
"$binary" serve & pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
link=$(python3 - <<'PY'
import email, glob
for path in sorted(glob.glob("var/mail/*.eml")):
    message = email.message_from_binary_file(open(path, "rb"))
    if "anna.smirnova" in message["To"]:
        print(message["List-Unsubscribe"].strip("<>")); break
PY
)
curl -sf -X POST "http://127.0.0.1:$port${link#https://alerts.example.org}" >/dev/null
[ "$(sqlite3 var/casewatch.sqlite 'SELECT count(*) FROM suppression')" = 1 ] || { echo "the unsubscribe was not recorded" >&2; exit 1; }
kill "$pid"; wait "$pid" || true; pid=""
# 4. A hearing moves while the relay is down: the lawyer's e-mail stays queued (retrying), as composed.
python3 - <<'PY'
text = open("casewatch.yml").read()
text = text.replace("email:\n  transport: file\n", "email:\n  transport: smtp\n  url: smtp://127.0.0.1:9\n  tls: none\n")
open("casewatch.yml", "w").write(text)
path = "registry/international-memorial-liquidation.yaml"
text = open(path).read().replace("date: 2027-03-15", "date: 2027-04-12")
open(path, "w").write(text)
PY
"$binary" run --once || true
sqlite3 var/casewatch.sqlite "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null

# What the queued e-mail is, as composed: a copy of the state delivers it to an SMTP peer (the fixture keeps the
# state in which it is still queued).
mkdir -p "$work/copy/var" && cp var/casewatch.sqlite "$work/copy/var/" && cp -r casewatch.yml registry subscribers templates "$work/copy/"
/usr/bin/python3 "$here/../../Peers/smtp_peer.py" --port-file "$work/smtp.port" --spool "$work/spool" & smtp=$!
for _ in $(seq 100); do [ -f "$work/smtp.port" ] && break; sleep 0.1; done
(cd "$work/copy" && sed -i "s#smtp://127.0.0.1:9#smtp://127.0.0.1:$(cat "$work/smtp.port")#" casewatch.yml \
  && sqlite3 var/casewatch.sqlite "UPDATE outbox SET next_attempt_at = 0 WHERE state = 'retrying'" \
  && "$binary" run --once)
for _ in $(seq 100); do [ -f "$work/spool/0.json" ] && break; sleep 0.1; done
kill "$smtp"; wait "$smtp" || true

rm -rf "$here/registry" "$here/subscribers" "$here/templates" "$here/mail"
cp -r registry subscribers templates "$here/"
mkdir -p "$here/mail" && cp var/mail/*.eml "$here/mail/"
cp "$work/spool/0.eml" "$here/mail/queued-as-composed.eml"
cp var/casewatch.sqlite "$here/casewatch.sqlite"
sqlite3 var/casewatch.sqlite "SELECT id FROM event ORDER BY id" > "$here/event-ids.txt"
echo "fixture written: $(wc -l < "$here/event-ids.txt") events"
