#!/usr/bin/python3
"""A webhook receiver and feed server for CaseWatch's tests.

It listens on 127.0.0.1, logs every request as one JSON line, answers as a
script says, and can serve a feed file with ETag revalidation.
See README.md beside this file for the command line and the file formats.

Needs only the standard library.
"""

import argparse
import collections
import email.utils
import hashlib
import http.server
import json
import mimetypes
import os
import signal
import sys
import threading
import time

STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}
FEED_PATH = "/feed"


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


class Answer:
    """What to answer one request: a status, optional extras, optional delay."""

    def __init__(self, status, retry_after=None, location=None, sleep=0.0):
        self.status = status
        self.retry_after = retry_after
        self.location = location
        self.sleep = sleep


def parse_answer(line):
    """Parse one script line, e.g. `500`, `429 retry-after=2`, `sleep=30`,
    `redirect`. Returns None for blank and comment lines."""
    words = line.split("#", 1)[0].split()
    if not words:
        return None
    answer = Answer(200)
    for word in words:
        key, _, value = word.partition("=")
        if word.isdigit() and len(word) == 3:
            answer.status = int(word)
        elif key == "retry-after" and value:
            answer.retry_after = value
        elif key == "sleep" and value:
            answer.sleep = float(value)
        elif word == "redirect":
            answer.status, answer.location = 302, "/elsewhere"
        else:
            raise ValueError(f"unknown word {word!r}")
    return answer


def read_script(path):
    answers = collections.deque()
    if not path:
        return answers
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            try:
                answer = parse_answer(line)
            except ValueError as error:
                sys.exit(f"{path}:{number}: {error}")
            if answer:
                answers.append(answer)
    return answers


class PeerServer(http.server.ThreadingHTTPServer):
    """The server, holding what all handler threads share. Its handler
    threads are daemon threads, so one still sleeping cannot block exit."""

    def __init__(self, log_path, script, default_status, feed, etag, port=0):
        super().__init__(("127.0.0.1", port), Handler)
        self.log_file = open(log_path, "a", encoding="utf-8")
        self.script = script
        self.default_status = default_status
        self.feed = feed
        self.etag = etag
        self.lock = threading.Lock()  # guards script and log_file
        self.stopping = threading.Event()

    def next_answer(self):
        with self.lock:
            return self.script.popleft() if self.script else None

    def log(self, record):
        with self.lock:
            self.log_file.write(json.dumps(record) + "\n")
            self.log_file.flush()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    disable_nagle_algorithm = True
    timeout = 120  # close keep-alive connections idle this long

    def do_POST(self):
        self.received_at = time.time()  # when the request arrived, for rate checks on the server's side
        body = self.read_body()
        path = self.path.split("?", 1)[0]
        answer = self.server.next_answer()
        if self.command == "GET" and path == FEED_PATH and self.server.feed:
            # A scripted 200 (or no script line) on the feed means: serve it.
            if answer is None or (answer.status == 200 and not answer.sleep):
                return self.serve_feed(body)
        if answer is None:
            answer = Answer(self.server.default_status)
        self.log_request_line(body, answer.status)
        # Sleep (for timeout tests) but wake up if the peer is stopping.
        if answer.sleep and self.server.stopping.wait(answer.sleep):
            self.close_connection = True
            return
        headers = {}
        if answer.retry_after is not None:
            headers["Retry-After"] = answer.retry_after
        if answer.location is not None:
            headers["Location"] = answer.location
        text = b"" if answer.status in (204, 304) else f"{answer.status}\n".encode()
        self.respond(answer.status, headers, text, "text/plain")

    do_GET = do_PUT = do_PATCH = do_DELETE = do_POST

    def serve_feed(self, body):
        try:
            with open(self.server.feed, "rb") as f:
                content = f.read()
                mtime = os.fstat(f.fileno()).st_mtime
        except FileNotFoundError:
            self.log_request_line(body, 404)
            return self.respond(404, {}, b"no feed file\n", "text/plain")
        etag = self.server.etag
        if etag == "auto":
            etag = hashlib.sha1(content).hexdigest()
        etag = f'"{etag}"'
        headers = {"ETag": etag,
                   "Last-Modified": email.utils.formatdate(mtime, usegmt=True)}
        # Only If-None-Match is honoured: Last-Modified has one-second
        # granularity, too coarse for a test that rewrites the feed quickly.
        if self.etag_matches(etag):
            self.log_request_line(body, 304)
            return self.respond(304, headers, b"", None)
        self.log_request_line(body, 200)
        kind = mimetypes.guess_type(self.server.feed)[0] or "application/octet-stream"
        self.respond(200, headers, content, kind)

    def etag_matches(self, etag):
        wanted = self.headers.get("If-None-Match")
        if wanted is None:
            return False
        tags = [tag.strip() for tag in wanted.split(",")]
        # If-None-Match uses weak comparison: W/"x" matches "x".
        return "*" in tags or etag in (tag.removeprefix("W/") for tag in tags)

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self.read_chunked()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def read_chunked(self):
        parts = []
        while True:  # ends at the last (empty) chunk, or raises at EOF
            size_line = self.rfile.readline(1024)
            if not size_line:
                raise ConnectionError("EOF inside a chunked body")
            size = int(size_line.split(b";", 1)[0], 16)
            if size == 0:
                # Skip trailer fields up to the empty line.
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(parts)
            parts.append(self.rfile.read(size))
            self.rfile.readline(1024)  # the CRLF after each chunk

    def log_request_line(self, body, status):
        headers = {}
        for name, value in self.headers.items():
            name = name.lower()
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        self.server.log({
            "method": self.command,
            "path": self.path,
            "headers": headers,
            "body": body.decode("utf-8", errors="replace"),
            "status": status,
            "received_at": getattr(self, "received_at", time.time()),
            "client_port": self.client_address[1],
        })

    def respond(self, status, headers, body, content_type):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        # RFC 9110 forbids Content-Length on 204, and on 304 it would have to
        # be the feed's length; every other answer carries it, for keep-alive.
        if status not in (204, 304):
            if content_type:
                self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status not in (204, 304):
            self.wfile.write(body)

    def log_message(self, format, *args):
        pass  # the JSON log is the record; keep the test output quiet


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port-file", metavar="PATH", required=True)
    parser.add_argument("--log", metavar="FILE", required=True)
    parser.add_argument("--port", type=int, default=0, metavar="N",
                        help="listen on this port (default: one the kernel picks); lets a test restart a receiver")
    parser.add_argument("--script", metavar="FILE")
    parser.add_argument("--default", type=int, default=204, metavar="STATUS",
                        help="status once the script is used up (default 204)")
    parser.add_argument("--feed", metavar="FILE", help="serve FILE at GET /feed")
    parser.add_argument("--etag", default="auto", metavar="VALUE",
                        help="the feed's ETag; `auto` = sha1 of its content")
    parser.add_argument("--lifetime", type=float, default=1800, metavar="SECONDS",
                        help="exit after this long even if never signalled")
    args = parser.parse_args()

    # Block the stop signals before any thread starts (threads inherit the
    # mask); wait_for_stop() then takes them with sigtimedwait.
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)

    server = PeerServer(args.log, read_script(args.script), args.default,
                        args.feed, args.etag, args.port)
    # The socket is listening from here on; connections queue until served.
    write_atomically(args.port_file, f"{server.server_address[1]}\n".encode())
    thread = threading.Thread(target=server.serve_forever, args=(0.2,))
    thread.start()
    try:
        wait_for_stop(args.lifetime)
    finally:
        server.stopping.set()
        server.shutdown()
        thread.join()
        server.server_close()
        server.log_file.close()


if __name__ == "__main__":
    main()
