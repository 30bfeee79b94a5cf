#!/usr/bin/env bash
# Installs the Debian packages CaseWatch needs: `install-deps.sh` for building and running,
# `install-deps.sh --tests` adds the real peers the tests talk to (aiosmtpd, openssl, PostgreSQL).
set -euo pipefail

packages=(libcurl4-openssl-dev libsqlite3-dev pkg-config ca-certificates)
if [ "${1:-}" = "--tests" ]; then
  # postgresql: the server binaries in /usr/lib/postgresql/<version>/bin that Tests/Peers/postgres_peer.py runs
  # (it pulls in postgresql-client, /usr/bin/psql). The tests start their own throw-away servers on ports of
  # their own; the default cluster Debian may create and start on 5432 is not used.
  # python3-openpyxl: Tests/Peers/make_xlsx.py writes the XLSX workbooks the XLSX reader's tests read.
  packages+=(python3 python3-aiosmtpd python3-jsonschema python3-openpyxl openssl postgresql)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
