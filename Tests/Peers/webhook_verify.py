#!/usr/bin/python3
"""Verifies the Standard Webhooks `v1a` (Ed25519) signature of requests as a receiver got them.

    webhook_verify.py < requests.json

Standard input: a JSON list of objects with `public_key` (`whpk_…`), `id`, `timestamp`, `signature` (the
`webhook-signature` header) and `body` (the request body as text). For each request it prints one JSON line
with how many `v1a` entries the header holds and whether one verifies over `{id}.{timestamp}.{body}`; exit
status 0 when every request has a `v1a` signature that verifies, 1 otherwise.

Needs only the standard library and `cryptography` (Debian: python3-cryptography).
"""

import base64
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def verify(request):
    public_key = request["public_key"]
    if not public_key.startswith("whpk_"):
        return 0, False
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key[len("whpk_"):]))
    signed = f"{request['id']}.{request['timestamp']}.".encode() + request["body"].encode("utf-8")
    entries = [entry[len("v1a,"):] for entry in request["signature"].split(" ") if entry.startswith("v1a,")]
    for entry in entries:
        try:
            key.verify(base64.b64decode(entry), signed)
            return len(entries), True
        except InvalidSignature:
            continue
    return len(entries), False


def main():
    requests = json.load(sys.stdin)
    ok = bool(requests)
    for request in requests:
        count, verified = verify(request)
        print(json.dumps({"id": request["id"], "v1a_entries": count, "verified": verified}))
        ok = ok and verified
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
