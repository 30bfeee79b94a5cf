#!/usr/bin/env bash
# Installs the Debian packages CaseWatch needs: `install-deps.sh` for building and running,
# `install-deps.sh --tests` adds the real peers the tests talk to (aiosmtpd, openssl, PostgreSQL, and Synapse, a
# Matrix homeserver, from PyPI into a virtual environment of its own).
set -euo pipefail

packages=(libcurl4-openssl-dev libsqlite3-dev pkg-config ca-certificates)
if [ "${1:-}" = "--tests" ]; then
  # postgresql: the server binaries in /usr/lib/postgresql/<version>/bin that Tests/Peers/postgres_peer.py runs
  # (it pulls in postgresql-client, /usr/bin/psql). The tests start their own throw-away servers on ports of
  # their own; the default cluster Debian may create and start on 5432 is not used.
  # python3-openpyxl: Tests/Peers/make_xlsx.py writes the XLSX workbooks the XLSX reader's tests read.
  # python3-venv: the virtual environment Synapse is installed into (below).
  # python3-dkim (dkimpy) and python3-nacl: Tests/Peers/dkim_verify.py verifies DKIM signatures (ed25519-sha256
  # needs PyNaCl); python3-cryptography: Tests/Peers/webhook_verify.py verifies v1a (Ed25519) webhook signatures.
  # chromium and chromium-driver: the console's browser tests (Selenium, below, drives Debian's chromedriver).
  # prometheus: its promtool checks what /metrics serves (no Prometheus server is started).
  # systemd: systemd-analyze rates the shipped unit (deploy/casewatch.service) offline.
  packages+=(python3 python3-aiosmtpd python3-jsonschema python3-openpyxl python3-venv openssl postgresql
             python3-dkim python3-nacl python3-cryptography chromium chromium-driver prometheus systemd)
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

if [ "${1:-}" = "--tests" ]; then
  # Synapse, the Matrix homeserver Tests/Peers/synapse_peer.py runs for the Matrix tests: from PyPI, pinned, in a
  # virtual environment inside the clone, which git ignores (SynapseServer.swift looks in the same place).
  venv="${CASEWATCH_SYNAPSE_VENV:-$(cd "$(dirname "$0")/.." && pwd)/.venv-synapse}"
  if ! "$venv/bin/python" -c 'import synapse' 2>/dev/null; then
    mkdir -p "$(dirname "$venv")"
    /usr/bin/python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check 'matrix-synapse==1.163.2'
  fi
  # Selenium, which the console's browser tests (Tests/Peers/console_browser.py) drive Chromium with: from PyPI,
  # pinned, in a virtual environment of its own inside the clone.
  browser_venv="$(cd "$(dirname "$0")/.." && pwd)/.venv-browser"
  if ! "$browser_venv/bin/python" -c 'import selenium' 2>/dev/null; then
    /usr/bin/python3 -m venv "$browser_venv"
    "$browser_venv/bin/pip" install -q --disable-pip-version-check 'selenium==4.51.0'
  fi
fi
