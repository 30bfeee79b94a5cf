#!/usr/bin/python3
"""A real SMTP server for CaseWatch's tests, built on aiosmtpd.

It listens on 127.0.0.1, writes every accepted message to a spool directory,
and can be scripted to refuse messages with given reply codes.
See README.md beside this file for the command line and the file formats.

Needs only the standard library and aiosmtpd (Debian: python3-aiosmtpd).
"""

import argparse
import collections
import hmac
import json
import logging
import os
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

# Reply texts for scripted codes; other codes get a generic text.
REPLY_TEXT = {
    421: "4.3.2 Service not available",
    450: "4.2.1 Mailbox busy",
    451: "4.3.0 Try again later",
    452: "4.3.1 Insufficient system storage",
    550: "5.1.1 Mailbox unavailable",
    552: "5.3.4 Message size exceeds fixed limit",
    553: "5.1.3 Mailbox name not allowed",
    554: "5.7.1 Transaction failed",
}

STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}


def write_atomically(path, data):
    """Write bytes to `path` so that readers see either nothing or all of it."""
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def wait_for_stop(lifetime):
    """Block until SIGTERM or SIGINT arrives, or `lifetime` seconds pass (a
    safety net for peers whose test died). The signals must already be
    blocked (see main), so one that arrives early stays pending, not lost."""
    signal.sigtimedwait(STOP_SIGNALS, lifetime)


def read_script(path):
    """Parse a script file into a queue of (code, stage) entries.

    One entry a line: `CODE` or `CODE data`. Empty lines and `#` comments
    are skipped. 2xx means accept; 4xx/5xx refuse with that code at RCPT TO
    (default) or after the DATA has been received (`data`).
    """
    entries = collections.deque()
    if not path:
        return entries
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            words = raw.split("#", 1)[0].split()
            if not words:
                continue
            stage = words[1].lower() if len(words) > 1 else "rcpt"
            if (len(words) > 2 or stage not in ("rcpt", "data")
                    or not words[0].isdigit() or words[0][0] not in "245"
                    or len(words[0]) != 3):
                sys.exit(f"{path}:{number}: expected `CODE [rcpt|data]`, got {raw!r}")
            entries.append((int(words[0]), stage))
    return entries


def reply_for(code):
    if code in REPLY_TEXT:
        return f"{code} {REPLY_TEXT[code]}"
    if code >= 500:
        return f"{code} 5.0.0 Scripted permanent failure"
    return f"{code} 4.0.0 Scripted temporary failure"


class SpoolHandler:
    """aiosmtpd handler: applies the script and spools accepted messages.

    aiosmtpd runs all hooks on one event-loop thread, so no locking is needed.
    A "message" is one MAIL FROM transaction; it takes one script entry, at
    its first RCPT TO.
    """

    def __init__(self, spool, script):
        self.spool = spool
        self.script = script
        # Continue numbering after messages left by an earlier run on the same
        # spool, so a restarted peer never overwrites them.
        taken = [int(name[:-5]) for name in os.listdir(spool)
                 if name.endswith(".json") and name[:-5].isdigit()]
        self.next_number = max(taken, default=-1) + 1

    def _entry(self, envelope):
        # The envelope is new for every transaction (MAIL FROM / RSET), so an
        # attribute on it ties one script entry to one message.
        if not hasattr(envelope, "script_entry"):
            envelope.script_entry = self.script.popleft() if self.script else None
            envelope.rejection_logged = False
        return envelope.script_entry

    def _refusal(self, envelope, stage):
        """The reply refusing this message at `stage`, or None to go on."""
        entry = self._entry(envelope)
        if entry is None or entry[0] < 400 or entry[1] != stage:
            return None
        if not envelope.rejection_logged:
            envelope.rejection_logged = True
            with open(os.path.join(self.spool, "rejections.log"), "a") as f:
                f.write(f"{entry[0]} {stage} {envelope.mail_from}\n")
        return reply_for(entry[0])

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        refusal = self._refusal(envelope, "rcpt")
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        refusal = self._refusal(envelope, "data")
        if refusal:
            return refusal
        number = self.next_number
        self.next_number += 1
        base = os.path.join(self.spool, str(number))
        # original_content: the DATA bytes as sent (CRLF kept, dots unstuffed).
        write_atomically(base + ".eml", envelope.original_content)
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "auth_user": session.auth_data if session.authenticated else None,
            "tls": session.ssl is not None,
        }
        # The .json is written last: once it exists, the .eml is complete too.
        write_atomically(base + ".json", json.dumps(meta).encode() + b"\n")
        return f"250 2.0.0 OK queued as {number}"


def make_authenticator(credentials):
    user, _, password = credentials.partition(":")
    user_b, password_b = user.encode(), password.encode()

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and hmac.compare_digest(auth_data.login, user_b)
              and hmac.compare_digest(auth_data.password, password_b))
        # handled=False makes aiosmtpd answer 535 itself on failure.
        return AuthResult(success=ok, handled=False, auth_data=user if ok else None)

    return authenticator


class BoundController(Controller):
    """aiosmtpd's Controller, serving on a socket we bound ourselves.

    aiosmtpd 1.4 cannot listen on port 0 (it connects to `port` to check that
    the server is up), so we bind 127.0.0.1:0 first and tell it the real port.
    """

    def __init__(self, handler, sock, **kwargs):
        self.sock = sock
        super().__init__(handler, hostname="127.0.0.1",
                         port=sock.getsockname()[1], **kwargs)

    def _create_server(self):
        return self.loop.create_server(self._factory_invoker, sock=self.sock,
                                       ssl=self.ssl_context)


def make_cert(directory):
    """Write a throw-away self-signed certificate for localhost/127.0.0.1."""
    os.makedirs(directory, exist_ok=True)
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        tmp_cert, tmp_key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
        # OpenSSL's default config marks `req -x509` certificates CA:TRUE,
        # so clients can use cert.pem as their trust anchor.
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
             "-days", "2", "-subj", "/CN=localhost",
             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
             "-keyout", tmp_key, "-out", tmp_cert],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        os.replace(tmp_key, key)
        os.replace(tmp_cert, cert)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--make-cert", metavar="DIR",
                        help="write DIR/cert.pem and DIR/key.pem, then exit")
    parser.add_argument("--port-file", metavar="PATH")
    parser.add_argument("--spool", metavar="DIR")
    parser.add_argument("--auth", metavar="USER:PASSWORD")
    parser.add_argument("--tls", metavar="CERT.pem,KEY.pem")
    parser.add_argument("--script", metavar="FILE")
    parser.add_argument("--lifetime", type=float, default=1800, metavar="SECONDS",
                        help="exit after this long even if never signalled")
    args = parser.parse_args()

    if args.make_cert:
        make_cert(args.make_cert)
        return
    if not args.port_file or not args.spool:
        parser.error("--port-file and --spool are required")
    if args.auth is not None and ":" not in args.auth:
        parser.error("--auth takes USER:PASSWORD")

    # Block the stop signals before any thread starts (threads inherit the
    # mask); wait_for_stop() then takes them with sigtimedwait.
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)

    # aiosmtpd logs a warning on every connection for auth without TLS and on
    # every login (a deprecation notice); keep the test output readable.
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")

    os.makedirs(args.spool, exist_ok=True)
    smtp_options = {"server_hostname": "localhost"}
    if args.tls:
        cert, _, key = args.tls.partition(",")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        smtp_options.update(tls_context=context, require_starttls=True)
    if args.auth is not None:
        smtp_options.update(authenticator=make_authenticator(args.auth),
                            auth_required=True,
                            auth_require_tls=bool(args.tls))

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    controller = BoundController(SpoolHandler(args.spool, read_script(args.script)),
                                 sock, **smtp_options)
    controller.start()  # returns once the server answers
    write_atomically(args.port_file, f"{controller.port}\n".encode())
    try:
        wait_for_stop(args.lifetime)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
