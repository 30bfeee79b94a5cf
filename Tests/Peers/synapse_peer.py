#!/usr/bin/python3
"""A real Matrix homeserver (Synapse, from PyPI) on 127.0.0.1 for CaseWatch's tests.

    synapse_peer.py --port-file PATH --dir DIR --synapse-python VENV/bin/python [--stop-with-parent]

Writes a configuration of its own into DIR (SQLite, one client listener on a free port of 127.0.0.1, a
registration shared secret, no federation, rate limits out of the tests' way), generates the signing key, starts
the homeserver as a child process, waits (bounded) until `/_matrix/client/versions` answers, registers two users
with the shared-secret admin API (`/_synapse/admin/v1/register`, HMAC-SHA1 over the nonce): `casewatch-bot` and
`reader`, and writes DIR/state.json (`base_url`, `bot` and `reader`, each with `user_id` and `access_token`).
Then the port file. SIGTERM or SIGINT (or, with --stop-with-parent, the end of the process that started it, or
--lifetime) stops the homeserver by its PID — SIGTERM, then SIGKILL after 10 s — and the peer exits 0.

`synapse_client.py` beside this file drives the homeserver as its users (rooms, messages, kicks).
The Python that runs Synapse is the tests' virtual environment (`scripts/install-deps.sh --tests` makes it);
this script itself needs only the standard library.
"""

import argparse
import hashlib
import hmac
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}
SERVER_NAME = "localhost"


def say(text):
    print(f"synapse_peer: {text}", file=sys.stderr, flush=True)


def write_atomically(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def configuration(directory, port, shared_secret):
    unlimited = "{per_second: 10000, burst_count: 10000}"
    return f"""
server_name: "{SERVER_NAME}"
pid_file: "{directory}/homeserver.pid"
listeners:
  - port: {port}
    bind_addresses: ["127.0.0.1"]
    type: http
    tls: false
    x_forwarded: false
    resources:
      - names: [client]
        compress: false
database:
  name: sqlite3
  args:
    database: "{directory}/homeserver.db"
log_config: "{directory}/log.config"
media_store_path: "{directory}/media_store"
signing_key_path: "{directory}/{SERVER_NAME}.signing.key"
registration_shared_secret: "{shared_secret}"
macaroon_secret_key: "{secrets.token_hex(16)}"
form_secret: "{secrets.token_hex(16)}"
report_stats: false
enable_metrics: false
trusted_key_servers: []
suppress_key_server_warning: true
federation_domain_whitelist: []
presence:
  enabled: false
url_preview_enabled: false
rc_message: {unlimited}
rc_registration: {unlimited}
rc_login:
  address: {unlimited}
  account: {unlimited}
  failed_attempts: {unlimited}
rc_joins:
  local: {unlimited}
  remote: {unlimited}
rc_invites:
  per_room: {unlimited}
  per_user: {unlimited}
  per_issuer: {unlimited}
rc_admin_redaction: {unlimited}
"""


LOG_CONFIG = """
version: 1
formatters:
  plain:
    format: '%(asctime)s %(levelname)s %(name)s %(message)s'
handlers:
  file:
    class: logging.FileHandler
    formatter: plain
    filename: {path}
root:
  level: WARNING
  handlers: [file]
disable_existing_loggers: false
"""


def request(method, url, body=None, token=None, timeout=30):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def register(base, shared_secret, username):
    status, answer = request("GET", f"{base}/_synapse/admin/v1/register")
    if status != 200:
        raise RuntimeError(f"nonce: {status} {answer}")
    nonce = answer["nonce"]
    password = secrets.token_hex(12)
    mac = hmac.new(shared_secret.encode(), digestmod=hashlib.sha1)
    mac.update(b"\x00".join([nonce.encode(), username.encode(), password.encode(), b"notadmin"]))
    status, answer = request("POST", f"{base}/_synapse/admin/v1/register", {
        "nonce": nonce, "username": username, "password": password, "admin": False, "mac": mac.hexdigest(),
    })
    if status != 200:
        raise RuntimeError(f"register {username}: {status} {answer}")
    return {"user_id": answer["user_id"], "access_token": answer["access_token"]}


class Homeserver:
    def __init__(self, args):
        self.args = args
        self.process = None

    def start(self):
        directory = os.path.abspath(self.args.dir)
        os.makedirs(directory, exist_ok=True)
        port = free_port()
        shared_secret = secrets.token_hex(16)
        config = os.path.join(directory, "homeserver.yaml")
        with open(config, "w") as f:
            f.write(configuration(directory, port, shared_secret))
        with open(os.path.join(directory, "log.config"), "w") as f:
            f.write(LOG_CONFIG.format(path=os.path.join(directory, "homeserver.log")))
        subprocess.run([self.args.synapse_python, "-m", "synapse.app.homeserver", "--config-path", config,
                        "--generate-keys"], check=True, stdout=subprocess.DEVNULL, timeout=120)
        output = open(os.path.join(directory, "homeserver.stderr"), "w")
        self.process = subprocess.Popen(
            [self.args.synapse_python, "-m", "synapse.app.homeserver", "--config-path", config],
            stdout=output, stderr=output, cwd=directory,
            # The peer holds the stop signals blocked to wait for them; the homeserver must receive them.
            preexec_fn=lambda: signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS))
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + self.args.start_timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the homeserver exited with {self.process.returncode}; see {directory}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the homeserver did not answer within {self.args.start_timeout:g} s")
            try:
                status, _ = request("GET", f"{base}/_matrix/client/versions", timeout=2)
                if status == 200:
                    break
            except (OSError, ValueError):
                pass
            time.sleep(0.25)
        state = {"base_url": base, "server_name": SERVER_NAME,
                 "bot": register(base, shared_secret, "casewatch-bot"),
                 "reader": register(base, shared_secret, "reader")}
        write_atomically(os.path.join(directory, "state.json"), json.dumps(state).encode())
        return port

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port-file", metavar="PATH", required=True)
    parser.add_argument("--dir", metavar="DIR", required=True)
    parser.add_argument("--synapse-python", metavar="PATH", required=True)
    parser.add_argument("--start-timeout", type=float, default=240, metavar="SECONDS")
    parser.add_argument("--stop-with-parent", action="store_true")
    parser.add_argument("--lifetime", type=float, default=3600, metavar="SECONDS")
    args = parser.parse_args()

    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    parent = os.getppid()
    homeserver = Homeserver(args)
    try:
        port = homeserver.start()
        write_atomically(args.port_file, f"{port}\n".encode())
        deadline = time.monotonic() + args.lifetime
        while time.monotonic() < deadline:
            if signal.sigtimedwait(STOP_SIGNALS, 1.0) is not None:
                break
            if args.stop_with_parent and os.getppid() != parent:
                say("the process that started this peer is gone; stopping")
                break
    except Exception as error:  # noqa: BLE001 - reported, then the homeserver is stopped
        say(str(error))
        homeserver.stop()
        sys.exit(1)
    homeserver.stop()


if __name__ == "__main__":
    main()
