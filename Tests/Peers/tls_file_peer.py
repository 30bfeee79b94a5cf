#!/usr/bin/python3
"""An HTTPS server of one file, for CaseWatch's tests of a registry source's `ca_file`.

It makes its own certificates with /usr/bin/openssl in --dir: a root CA (`root.pem`), an
intermediate CA that the root signs (`intermediate.pem`), and a certificate for 127.0.0.1 and
localhost that the intermediate signs. Like the Ministry of Justice's servers, it sends its own
certificate only, not the intermediate: a client verifies it only with the intermediate (or the
chain) given as an extra CA file. Nothing here is trusted by the system.

    tls_file_peer.py --port-file PATH --dir DIR --root FOLDER --log FILE [--lifetime SECONDS]

GET /NAME answers the file FOLDER/NAME (404 for anything else), read anew on each request, with
an ETag (the SHA-1 of its bytes) and a Last-Modified (its mtime); If-None-Match that matches gets
304. Every request is
logged as one JSON line in --log: {"method", "path", "headers", "status"}. A TLS handshake the
client refuses is logged as {"handshake": "failed", "error": "..."}.

Only the standard library and openssl; stopped by SIGTERM or SIGINT (or after --lifetime).
"""

import argparse
import email.utils
import hashlib
import http.server
import json
import os
import ssl
import subprocess
import threading

from peer_serving import block_stop_signals, serve_until_stopped

OPENSSL = "/usr/bin/openssl"


def openssl(arguments, folder):
    subprocess.run([OPENSSL] + arguments, cwd=folder, check=True, timeout=30,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def make_certificates(folder):
    """root.pem (self-signed CA) -> intermediate.pem (CA) -> server.pem (127.0.0.1, localhost)."""
    os.makedirs(folder, exist_ok=True)
    curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl(["req", "-x509"] + curve + ["-keyout", "root.key", "-out", "root.pem", "-days", "2",
             "-subj", "/CN=CaseWatch tls_file_peer test root",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign"], folder)
    with open(os.path.join(folder, "ca.ext"), "w", encoding="ascii") as f:
        f.write("basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n"
                "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n")
    openssl(["req", "-new"] + curve + ["-keyout", "intermediate.key", "-out", "intermediate.csr",
             "-subj", "/CN=CaseWatch tls_file_peer test intermediate"], folder)
    openssl(["x509", "-req", "-in", "intermediate.csr", "-CA", "root.pem", "-CAkey", "root.key",
             "-set_serial", "2", "-days", "2", "-extfile", "ca.ext", "-out", "intermediate.pem"], folder)
    with open(os.path.join(folder, "server.ext"), "w", encoding="ascii") as f:
        f.write("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n"
                "authorityKeyIdentifier=keyid\n")
    openssl(["req", "-new"] + curve + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"],
            folder)
    openssl(["x509", "-req", "-in", "server.csr", "-CA", "intermediate.pem", "-CAkey", "intermediate.key",
             "-set_serial", "3", "-days", "2", "-extfile", "server.ext", "-out", "server.pem"], folder)


class PeerServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root, log_path, context):
        super().__init__(("127.0.0.1", 0), Handler)
        self.root = os.path.realpath(root)
        self.context = context
        self.log_file = open(log_path, "a", encoding="utf-8")
        self.lock = threading.Lock()

    def get_request(self):
        # The handshake happens in the handler's thread (do_handshake_on_connect=False), so a client that refuses
        # the certificate cannot stall the listener.
        sock, address = self.socket.accept()
        return self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), address

    def handle_error(self, request, client_address):
        pass  # a refused handshake is logged by the handler; nothing else is worth a traceback here

    def log(self, record):
        with self.lock:
            self.log_file.write(json.dumps(record) + "\n")
            self.log_file.flush()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30

    def setup(self):
        try:
            self.request.do_handshake()
        except (ssl.SSLError, OSError) as error:
            self.server.log({"handshake": "failed", "error": str(error)})
            raise
        super().setup()

    def do_GET(self):
        name = self.path.split("?", 1)[0].lstrip("/")
        path = os.path.realpath(os.path.join(self.server.root, name))
        headers = {key.lower(): value for key, value in self.headers.items()}
        if os.path.dirname(path) != self.server.root or not os.path.isfile(path):
            self.server.log({"method": "GET", "path": self.path, "headers": headers, "status": 404})
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        with open(path, "rb") as f:
            content = f.read()
            mtime = os.fstat(f.fileno()).st_mtime
        etag = '"' + hashlib.sha1(content).hexdigest() + '"'
        wanted = [tag.strip().removeprefix("W/") for tag in self.headers.get("If-None-Match", "").split(",")]
        status = 304 if etag in wanted else 200
        self.server.log({"method": "GET", "path": self.path, "headers": headers, "status": status})
        self.send_response(status)
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", email.utils.formatdate(mtime, usegmt=True))
        if status == 200:
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if status == 200:
            self.wfile.write(content)

    def log_message(self, format, *args):
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--dir", required=True, help="where the certificates are made")
    parser.add_argument("--root", required=True, help="the folder whose files GET /NAME answers")
    parser.add_argument("--log", required=True)
    parser.add_argument("--lifetime", type=float, default=1800)
    args = parser.parse_args()
    block_stop_signals()

    make_certificates(args.dir)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(os.path.join(args.dir, "server.pem"), os.path.join(args.dir, "server.key"))
    server = PeerServer(args.root, args.log, context)
    serve_until_stopped(server, args.port_file, args.lifetime)


if __name__ == "__main__":
    main()
