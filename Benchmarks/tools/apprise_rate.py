"""Apprise's rate against the same sink, from ONE Python process through the Apprise API.

Usage: apprise_rate.py [--no-throttle] URL SECONDS BODY_FILE [TITLE]
Sends notifications back to back for about SECONDS (bounded: at most 200,000), with the body read from
BODY_FILE (the very payload CaseWatch sends, so the bytes on the wire are alike), and prints one JSON line.

Apprise spaces the requests of some plugins (`request_rate_per_sec`, in fact seconds between requests:
5.5 for e-mail, 0 for json://). --no-throttle sets it to 0 through the API, to measure what the plugin
itself can do; without it, Apprise runs as a user gets it.
"""
import json
import logging
import sys
import time

import apprise

arguments = sys.argv[1:]
no_throttle = "--no-throttle" in arguments
arguments = [argument for argument in arguments if argument != "--no-throttle"]
url, seconds, body_file = arguments[0], float(arguments[1]), arguments[2]
title = arguments[3] if len(arguments) > 3 else "Moscow Helsinki Group: ruling issued"
with open(body_file, "rb") as handle:
    body = handle.read().decode("utf-8", "replace")

logging.getLogger("apprise").setLevel(logging.CRITICAL)
notifier = apprise.Apprise()
if not notifier.add(url):
    sys.exit(f"apprise does not accept {url}")
throttle = [server.request_rate_per_sec for server in notifier]
if no_throttle:
    for server in notifier:
        server.request_rate_per_sec = 0

sent = failed = 0
start = time.monotonic()
deadline = start + seconds
while time.monotonic() < deadline and sent + failed < 200_000:
    if notifier.notify(body=body, title=title):
        sent += 1
    else:
        failed += 1
elapsed = time.monotonic() - start
print(json.dumps({
    "benchmark": "apprise", "url": url.split("?")[0], "sent": sent, "failed": failed,
    "seconds": round(elapsed, 4), "per_second": round(sent / elapsed, 1),
    "body_bytes": len(body.encode("utf-8")), "apprise_version": apprise.__version__,
    "default_seconds_between_requests": throttle[0], "throttle_disabled": no_throttle,
}))
if failed or not sent:
    sys.exit(f"apprise: {failed} notification(s) failed, {sent} sent")
