#!/usr/bin/python3
"""Verifies the DKIM signatures of messages as received, with dkimpy, against given public key records.

    dkim_verify.py --record NAME=TXT [--record NAME=TXT …] MESSAGE.eml …

Each --record stands in for DNS: `cw2026._domainkey.example.org=v=DKIM1; k=rsa; p=…`, as `casewatch check`
prints it. For every message it prints one JSON line: the file and, for each DKIM-Signature in order from the
top, its algorithm (a=), domain (d=), signed header fields (h=) and whether it verified. The exit status is 0
when every signature of every message verified, 1 otherwise.

Needs dkimpy (Debian: python3-dkim) and, for ed25519-sha256, PyNaCl (python3-nacl).
"""

import argparse
import json
import sys

import dkim


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="append", default=[], metavar="NAME=TXT")
    parser.add_argument("messages", nargs="+", metavar="MESSAGE")
    args = parser.parse_args()

    records = {}
    for item in args.record:
        name, _, text = item.partition("=")
        records[name.strip().rstrip(".").lower()] = text.encode()

    def dnsfunc(name, timeout=5):
        if isinstance(name, bytes):
            name = name.decode()
        return records.get(name.rstrip(".").lower())

    all_verified = True
    for path in args.messages:
        with open(path, "rb") as f:
            message = f.read()
        checker = dkim.DKIM(message)
        signatures = [value for name, value in checker.headers if name.lower() == b"dkim-signature"]
        results = []
        for index in range(len(signatures)):
            verifier = dkim.DKIM(message)
            try:
                verified = bool(verifier.verify(idx=index, dnsfunc=dnsfunc))
                error = None
            except dkim.DKIMException as exception:
                verified, error = False, str(exception)
            fields = verifier.signature_fields or {}
            results.append({
                "algorithm": fields.get(b"a", b"").decode(),
                "domain": fields.get(b"d", b"").decode(),
                "headers": [h.decode() for h in (verifier.include_headers or ())],
                "verified": verified,
                "error": error,
            })
            all_verified = all_verified and verified
        all_verified = all_verified and bool(results)
        print(json.dumps({"file": path, "signatures": results}))
    sys.exit(0 if all_verified else 1)


if __name__ == "__main__":
    main()
