#!/usr/bin/python3
"""A stand-in for the Ministry of Justice's registry service, for CaseWatch's tests.

The real service answers only from Russian addresses, so it cannot run in a test;
this one answers as the service does (DOMAIN.md §6):

    GET  /rest/registry/<id>/info    -> {"title", "lastModified", "columns": [{"name", "title", "hidden"}]}
    POST /rest/registry/<id>/values  {"offset": N, "limit": M <= 1000, "search": ""}
                                     -> {"values": [...], "size": TOTAL}

The data is read from --data FILE (JSON: {"<id>": {"title", "lastModified",
"columns", "values"}}) on every request, so a test may rewrite it between
runs. A limit over 1000 is refused with 400, as the service does. Every
request is logged as one JSON line in --log.

    registry_peer.py --port-file PATH --data FILE --log FILE [--lifetime SECONDS]

Only the standard library; stopped by SIGTERM or SIGINT (or after --lifetime).
"""

import argparse
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from peer_serving import block_stop_signals, serve_until_stopped

PATH = re.compile(r"^/rest/registry/([^/]+)/(info|values)$")
MAX_LIMIT = 1000


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, data_path, log_path):
        super().__init__(("127.0.0.1", 0), Handler)
        self.data_path = data_path
        self.log_file = open(log_path, "a", encoding="utf-8")
        self.lock = threading.Lock()

    def log(self, record):
        with self.lock:
            self.log_file.write(json.dumps(record) + "\n")
            self.log_file.flush()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = 60

    def answer(self, status, document):
        body = json.dumps(document, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_request(self, method):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        match = PATH.match(self.path.split("?", 1)[0])
        self.server.log({"method": method, "path": self.path, "body": body.decode("utf-8", "replace")})
        if not match:
            return self.answer(404, {"error": "not found"})
        registry, action = match.groups()
        with open(self.server.data_path, encoding="utf-8") as f:
            data = json.load(f).get(registry)
        if data is None:
            return self.answer(404, {"error": "no such registry"})
        if action == "info" and method == "GET":
            return self.answer(200, {key: data[key] for key in ("title", "lastModified", "columns")})
        if action == "values" and method == "POST":
            try:
                query = json.loads(body or b"{}")
                offset, limit = int(query.get("offset", 0)), int(query.get("limit", 100))
            except (ValueError, TypeError):
                return self.answer(400, {"error": "bad query"})
            if limit > MAX_LIMIT or limit < 1 or offset < 0:
                return self.answer(400, {"error": f"limit must be 1..{MAX_LIMIT}"})
            values = data["values"]
            return self.answer(200, {"values": values[offset:offset + limit], "size": len(values)})
        return self.answer(405, {"error": "method not allowed"})

    def do_GET(self):
        self.handle_request("GET")

    def do_POST(self):
        self.handle_request("POST")

    def log_message(self, format, *args):
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--lifetime", type=float, default=1800)
    args = parser.parse_args()
    block_stop_signals()
    server = Server(args.data, args.log)
    serve_until_stopped(server, args.port_file, args.lifetime)


if __name__ == "__main__":
    main()
