#!/usr/bin/python3
"""A stand-in for Telegram's Bot API server (sendMessage), for CaseWatch's tests.

There is no real Bot API server to test against offline, so this one answers as the Bot API documentation
(https://core.telegram.org/bots/api) says the real one does: `{"ok":true,"result":{Message}}` on success, and
`{"ok":false,"error_code":…,"description":…,"parameters":{…}}` on failure, with the descriptions Telegram sends
("Too Many Requests: retry after N", "Forbidden: bot was blocked by the user", "Bad Request: chat not found",
migrate_to_chat_id for a group that became a supergroup). It parses `parse_mode: HTML` texts as Telegram does:
only its tags (b, strong, i, em, u, ins, s, strike, del, a href, code, pre, blockquote, tg-spoiler, span
class="tg-spoiler"), only the named entities &lt; &gt; &amp; &quot; and numeric ones, tags balanced, and at most
4,096 characters (UTF-16 code units) of text once parsed; anything else is a 400 "Bad Request: can't parse
entities: …" or "message is too long".

Every request is logged as one JSON line (method, path, body, status, answer) to --log. Answers are scripted per
request (--script, one line a request; then success):
    ok | 429 retry_after=N | 403 | 400 chat_not_found | 500 | migrate=NEW_CHAT_ID
and --migrated OLD=NEW makes every request to chat OLD answer with migrate_to_chat_id NEW.

Needs only the standard library. See README.md beside this file for the common options.
"""

import argparse
import collections
import http.server
import json
import threading
import time

from peer_serving import block_stop_signals, serve_until_stopped

ALLOWED = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "blockquote",
           "tg-spoiler", "span", "tg-emoji"}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
LIMIT = 4096


class EntityError(Exception):
    pass


def parse_entities(text):
    """The text as Telegram shows it, or EntityError with Telegram's words for what is wrong."""
    out = []
    stack = []
    i = 0
    while i < len(text):
        c = text[i]
        offset = len(text[:i].encode("utf-8"))
        if c == "<":
            end = text.find(">", i)
            if end < 0:
                raise EntityError(f"Unclosed start tag at byte offset {offset}")
            inside = text[i + 1:end].strip()
            closing = inside.startswith("/")
            if closing:
                inside = inside[1:].strip()
            name = ""
            for ch in inside:
                if ch.isalnum() or ch == "-":
                    name += ch
                else:
                    break
            name = name.lower()
            if not name:
                raise EntityError(f"Empty tag name at byte offset {offset}")
            if name not in ALLOWED:
                kind = "end" if closing else "start"
                raise EntityError(f'Unsupported {kind} tag "{name}" at byte offset {offset}')
            if closing:
                if not stack or stack[-1] != name:
                    raise EntityError(f'Unmatched end tag at byte offset {offset}, expected "</{stack[-1]}>", '
                                      f'found "</{name}>"' if stack else
                                      f'Unexpected end tag at byte offset {offset}')
                stack.pop()
            else:
                attributes = inside[len(name):].strip()
                if name == "a" and not attributes.startswith("href="):
                    raise EntityError(f'Tag "a" must have attribute "href" at byte offset {offset}')
                if name == "span" and "tg-spoiler" not in attributes:
                    raise EntityError(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
                stack.append(name)
            i = end + 1
        elif c == "&":
            end = text.find(";", i)
            name = text[i + 1:end] if 0 < end - i <= 10 else None
            if name is None:
                out.append("&")  # a lone ampersand is text
            elif name in NAMED_ENTITIES:
                out.append(NAMED_ENTITIES[name])
            elif name.startswith("#"):
                try:
                    value = int(name[2:], 16) if name[1:2] in ("x", "X") else int(name[1:])
                    out.append(chr(value))
                except ValueError:
                    raise EntityError(f"Unsupported HTML entity at byte offset {offset}")
            else:
                raise EntityError(f'Unsupported HTML entity "&{name};" at byte offset {offset}')
            i = end + 1 if name is not None else i + 1
        elif c == ">":
            out.append(c)  # Telegram takes a lone '>' as text
            i += 1
        else:
            out.append(c)
            i += 1
    if stack:
        raise EntityError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


class PeerServer(http.server.ThreadingHTTPServer):
    def __init__(self, log_path, script, token, migrated):
        super().__init__(("127.0.0.1", 0), Handler)
        self.log_file = open(log_path, "a", encoding="utf-8")
        self.script = script
        self.token = token
        self.migrated = migrated
        self.lock = threading.Lock()  # guards script, log_file and next_message_id
        self.next_message_id = 1

    def next_answer(self):
        with self.lock:
            return self.script.popleft() if self.script else "ok"

    def message_id(self):
        with self.lock:
            value = self.next_message_id
            self.next_message_id += 1
            return value

    def log(self, record):
        with self.lock:
            self.log_file.write(json.dumps(record, ensure_ascii=False) + "\n")
            self.log_file.flush()


def failure(code, description, parameters=None):
    answer = {"ok": False, "error_code": code, "description": description}
    if parameters:
        answer["parameters"] = parameters
    return code, answer


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = 120

    def do_GET(self):
        self.handle_method()

    def do_POST(self):
        self.handle_method()

    def handle_method(self):
        received_at = time.time()  # when the request arrived, for rate checks on the server's side
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        status, answer = self.answer(body)
        self.server.log({"method": self.command, "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                         "body": body, "status": status, "answer": answer, "received_at": received_at})
        data = json.dumps(answer, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def answer(self, body):
        parts = self.path.split("?", 1)[0].split("/")
        # /bot<token>/<method>
        if len(parts) != 3 or not parts[1].startswith("bot"):
            return failure(404, "Not Found")
        token, method = parts[1][3:], parts[2]
        if self.server.token is not None and token != self.server.token:
            return failure(401, "Unauthorized")
        if method != "sendMessage":
            return failure(404, "Not Found: method not found")
        if self.command != "POST" or not self.headers.get("content-type", "").startswith("application/json"):
            return failure(400, "Bad Request: message text is empty")
        try:
            request = json.loads(body)
        except ValueError:
            return failure(400, "Bad Request: can't parse JSON")
        chat_id = request.get("chat_id")
        text = request.get("text")
        if chat_id is None or chat_id == "":
            return failure(400, "Bad Request: chat_id is empty")
        if not isinstance(text, str) or not text.strip():
            return failure(400, "Bad Request: message text is empty")
        if str(chat_id) in self.server.migrated:
            new = self.server.migrated[str(chat_id)]
            return failure(400, "Bad Request: group chat was upgraded to a supergroup chat",
                           {"migrate_to_chat_id": int(new)})
        scripted = self.server.next_answer()
        words = scripted.split()
        head = words[0] if words else "ok"
        if head == "429":
            seconds = int(next((w.split("=", 1)[1] for w in words if w.startswith("retry_after=")), "3"))
            return failure(429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds})
        if head == "403":
            return failure(403, "Forbidden: bot was blocked by the user")
        if head == "400" and "chat_not_found" in words:
            return failure(400, "Bad Request: chat not found")
        if head.startswith("migrate="):
            return failure(400, "Bad Request: group chat was upgraded to a supergroup chat",
                           {"migrate_to_chat_id": int(head.split("=", 1)[1])})
        if head.isdigit() and head != "200":
            return failure(int(head), "Internal Server Error" if head.startswith("5") else "Bad Request")
        if request.get("parse_mode") == "HTML":
            try:
                shown = parse_entities(text)
            except EntityError as error:
                return failure(400, f"Bad Request: can't parse entities: {error}")
        else:
            shown = text
        if len(shown.encode("utf-16-le")) // 2 > LIMIT:
            return failure(400, "Bad Request: message is too long")
        chat = {"id": int(chat_id) if str(chat_id).lstrip("-").isdigit() else 0,
                "type": "supergroup" if str(chat_id).startswith("-100") else "private"}
        message = {"message_id": self.server.message_id(), "date": int(time.time()), "chat": chat, "text": shown}
        return 200, {"ok": True, "result": message}

    def log_message(self, format, *args):
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port-file", metavar="PATH", required=True)
    parser.add_argument("--log", metavar="FILE", required=True)
    parser.add_argument("--script", metavar="FILE")
    parser.add_argument("--token", metavar="TOKEN", help="the only bot token accepted (default: any)")
    parser.add_argument("--migrated", action="append", default=[], metavar="OLD=NEW")
    parser.add_argument("--lifetime", type=float, default=1800, metavar="SECONDS")
    args = parser.parse_args()
    script = collections.deque()
    if args.script:
        with open(args.script, encoding="utf-8") as f:
            script.extend(line.split("#", 1)[0].strip() for line in f if line.split("#", 1)[0].strip())
    migrated = dict(item.split("=", 1) for item in args.migrated)

    block_stop_signals()
    server = PeerServer(args.log, script, args.token, migrated)
    serve_until_stopped(server, args.port_file, args.lifetime)


if __name__ == "__main__":
    main()
