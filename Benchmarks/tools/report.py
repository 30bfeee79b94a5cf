"""Writes BENCHMARKS.md from the results folder that Benchmarks/run.sh fills.

Usage: report.py RESULTS_DIR OUTPUT_FILE [--quick] [--only "PART ..."]
Every figure comes from this run's files; the judgement of each target is computed, not written by hand.
The measured causes of missed targets come from Benchmarks/profiling.md (written from profiles, see there).

--only "PART ...": the run measured only these parts (webhooks email registry fanout idle postgres import feeds, as
BENCH_ONLY in run.sh); their sections, summary rows and raw lines replace those in the existing OUTPUT_FILE,
the rest of it is kept as it was (and Benchmarks/profiling.md is copied in anew).
"""
import json
import re
import statistics
import sys
from pathlib import Path

results = Path(sys.argv[1])
output = Path(sys.argv[2])
quick = "--quick" in sys.argv
only = sys.argv[sys.argv.index("--only") + 1].split() if "--only" in sys.argv else None
here = Path(__file__).resolve().parent.parent


def lines(name):
    path = results / name
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip().startswith("{")]


def one(name):
    found = lines(name)
    return found[-1] if found else None


def machine():
    facts = {}
    for line in (results / "machine.txt").read_text().splitlines():
        key, _, value = line.partition("=")
        facts[key] = value
    return facts


def gnu_time(name):
    text = (results / name).read_text()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (.+)", text).group(1).strip()
    parts = [float(part) for part in wall.split(":")]
    seconds = sum(part * 60 ** index for index, part in enumerate(reversed(parts)))
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    user = float(re.search(r"User time \(seconds\): ([\d.]+)", text).group(1))
    system = float(re.search(r"System time \(seconds\): ([\d.]+)", text).group(1))
    status = int(re.search(r"Exit status: (\d+)", text).group(1))
    return {"seconds": seconds, "rss_mb": rss_kb / 1024, "user": user, "system": system, "status": status}


def fmt(value, digits=0):
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


def median_run(runs, key="per_second"):
    """The run with the median rate (runs are repeated; the median is reported, all are listed)."""
    ordered = sorted(runs, key=lambda run: run[key])
    return ordered[len(ordered) // 2]


def verdict(ok):
    return "**met**" if ok else "**not met**"


facts = machine()
out = []
write = out.append
targets = []

write("# CaseWatch benchmarks\n")
write("Written by `Benchmarks/run.sh` (the one command; it installs its tools, builds the release binaries, "
      "runs everything below and rewrites this file). Every figure sits beside its peer, measured in the "
      "same run on the same machine. Raw result lines are at the end.\n")
if quick:
    write("> **QUICK RUN** (`BENCH_QUICK=1`): reduced counts; these figures do not judge the targets.\n")

write("## Machine\n")
write("| | |\n|---|---|")
for key, label in [("date", "run at (UTC)"), ("nproc", "nproc"), ("cpu", "CPU model"), ("memory", "memory"),
                   ("os", "OS"), ("kernel", "kernel"), ("swift", "Swift"), ("libcurl", "libcurl (Debian)"),
                   ("sqlite", "SQLite (Debian)"), ("postgresql", "PostgreSQL (Debian)"), ("nginx", "nginx"), ("wrk", "wrk"), ("postfix", "postfix (smtp-sink, smtp-source)"),
                   ("hyperfine", "hyperfine"), ("apprise", "Apprise (PyPI)"), ("python", "Python (Apprise's)"),
                   ("openpyxl", "openpyxl (Debian python3-openpyxl)"), ("system_python", "Python (openpyxl's)")]:
    write(f"| {label} | {facts.get(key, '?')} |")
write("")
write("Everything runs on this one machine over loopback (127.0.0.1): the sinks, the load generators and "
      "CaseWatch share its cores, so a ceiling measured here is the ceiling of this box, not of the sink.\n")

# --------------------------------------------------------------------------------------------------
write("## Summary\n")
summary_at = len(out)

# --------------------------------------------------------------------------------------------------
webhooks = lines("webhooks.jsonl")
wrk = one("wrk.jsonl")
apprise_json = one("apprise-json.jsonl")
libcurl = {run["benchmark"]: run for run in lines("libcurl.jsonl")}
write("## 1. Webhook throughput\n")
write("**Method.** nginx (1 worker, `return 204` on `POST /hook`, access log off) on a free loopback port. "
      "`casewatch-bench deliver-webhooks --count N --url http://127.0.0.1:PORT/hook --concurrency 8` makes a "
      "temporary `StateStore` (a real SQLite file, WAL), enqueues N `OutboxDraft`s with `store.enqueue` "
      "(channel webhook, body from `WebhookPayload.body` for the Moscow Helsinki Group ruling, "
      "`secretEnv` naming a variable that holds a `whsec_` secret), then times one "
      "`DeliveryCycle(store:settings:logger:).run()`: claiming in batches, signing every request "
      "(Standard Webhooks HMAC), up to 8 POSTs in flight on libcurl's multi interface driven by the cycle's "
      "coordinating thread (keep-alive connections), the attempt log and the state transitions written back in "
      "batches by a writer thread. After one warm-up cycle that is not "
      f"recorded, repeated {len(webhooks)}× on a fresh store each time; the median is compared. Beside it: `wrk -t2 -c8` "
      "POSTing the very same body with headers of the same size (`Benchmarks/tools/wrk-post.lua`) — the "
      "sink's ceiling on this machine —; libcurl alone (`Benchmarks/tools/libcurl_rate.c`, C, the same body "
      "and headers, N requests over 8 keep-alive connections and nothing else: no signing, no store), once "
      "with 8 threads each on a blocking easy handle, once with libcurl's multi interface from one thread as "
      "CaseWatch's engine drives it — what CaseWatch's transport costs by itself here; and "
      "Apprise `json://` to the same URL from one Python process through the Apprise API, back to back. "
      "CPU per delivery is the CaseWatch process's user + system time over the cycle (`getrusage`), which "
      "the other programs on the same two cores blur less than they blur rates.\n")
if webhooks:
    median = median_run(webhooks)
    write("| sender | deliveries | seconds | per second | CPU per delivery | peak RSS | vs wrk |")
    write("|---|---:|---:|---:|---:|---:|---:|")
    for index, run in enumerate(webhooks, 1):
        write(f"| CaseWatch, run {index}{' (median)' if run is median else ''} | {fmt(run['deliveries'])} | "
              f"{fmt(run['seconds'], 2)} | {fmt(run['per_second'])} | {fmt(run.get('cpu_us_per_delivery'), 1)} µs | "
              f"{fmt(run['peak_rss_mb'], 1)} MB | {run['per_second'] / wrk['per_second']:.0%} |" if wrk else "")
    if wrk:
        write(f"| wrk (ceiling) | {fmt(wrk['requests'])} | {fmt(wrk['seconds'], 2)} | {fmt(wrk['per_second'])} | — | — | 100% |")
    for key, label in (("libcurl-lanes", "libcurl alone, 8 blocking lanes"), ("libcurl-multi", "libcurl alone, multi interface")):
        run = libcurl.get(key)
        if run and wrk:
            write(f"| {label} | {fmt(run['requests'])} | {fmt(run['seconds'], 2)} | {fmt(run['per_second'])} | "
                  f"{fmt(run['cpu_us_per_request'], 1)} µs | — | {run['per_second'] / wrk['per_second']:.0%} |")
    if apprise_json:
        write(f"| Apprise json:// | {fmt(apprise_json['sent'])} | {fmt(apprise_json['seconds'], 2)} | "
              f"{fmt(apprise_json['per_second'])} | — | — | "
              f"{apprise_json['per_second'] / wrk['per_second']:.1%} |" if wrk else "")
    write("")
    write(f"Payload {median['payload_bytes_avg']} bytes; enqueueing the {fmt(median['deliveries'])} rows took "
          f"{median['enqueue_seconds']:.2f} s (not in the figure); the delivery cycle's own peak RSS "
          f"{median['cycle_peak_rss_mb']:.1f} MB.")
    if wrk:
        write(f" wrk: p50 {wrk['latency_p50_ms']:.2f} ms, p99 {wrk['latency_p99_ms']:.2f} ms, "
              f"errors {wrk['errors_connect'] + wrk['errors_read'] + wrk['errors_write'] + wrk['errors_status'] + wrk['errors_timeout']}.")
    multi = libcurl.get("libcurl-multi")
    if wrk and multi and median.get("cpu_us_per_delivery"):
        write(f" libcurl alone on its multi interface reaches {multi['per_second'] / wrk['per_second']:.0%} of wrk's "
              f"rate here at {multi['cpu_us_per_request']:.1f} µs of CPU per request; CaseWatch, with every delivery "
              f"signed, claimed and recorded, spends {median['cpu_us_per_delivery']:.1f} µs, "
              f"{median['cpu_us_per_delivery'] - multi['cpu_us_per_request']:.1f} µs of its own on top.")
    write("\n")
    if wrk:
        ratio = median["per_second"] / wrk["per_second"]
        targets.append(("Webhooks ≥ ½ of wrk's ceiling", f"{fmt(median['per_second'])}/s vs {fmt(wrk['per_second'])}/s = {ratio:.0%}", ratio >= 0.5))
    if apprise_json:
        ratio = median["per_second"] / apprise_json["per_second"]
        targets.append(("Webhooks ≥ 20× Apprise json://", f"{fmt(median['per_second'])}/s vs {fmt(apprise_json['per_second'], 1)}/s = {ratio:.1f}×", ratio >= 20))
    if multi and median.get("cpu_us_per_delivery"):
        own = median["cpu_us_per_delivery"] - multi["cpu_us_per_request"]
        targets.append(("Webhooks: CaseWatch's own CPU per delivery ≤ ½ of libcurl's (multi interface)",
                        f"{own:.1f} µs vs {multi['cpu_us_per_request']:.1f} µs = {own / multi['cpu_us_per_request']:.1f}×",
                        own <= 0.5 * multi["cpu_us_per_request"]))

matrix_runs = lines("matrix.jsonl")
apprise_matrix = one("apprise-matrix.jsonl")
apprise_matrix_default = one("apprise-matrix-default.jsonl")
if matrix_runs:
    write("### Matrix\n")
    write("**Method.** The same nginx answers `PUT /_matrix/client/v3/rooms/…/send/m.room.message/…` with 200 and "
          "an `event_id`, as a homeserver does (and `whoami`, `join` for Apprise). `casewatch-bench deliver-matrix "
          "--count N --homeserver http://127.0.0.1:PORT --concurrency 8` plans one alert to N readers, each with a "
          "room of their own on that homeserver (the chat templates in each reader's language, one `m.notice` "
          "each), enqueues them in a real SQLite outbox and times one `DeliveryCycle.run()`: every room held to "
          "the channel's default rate (5 a second; on SQLite the run reads its rooms' slots once, decides in memory "
          "and writes the moved slots back every 256 and at its end), the bearer token read from the environment, the PUTs on libcurl's multi "
          "interface. Beside it, Apprise `matrix://TOKEN@127.0.0.1:PORT/!room` to one room from one Python process, "
          "the same text as body: as shipped (it waits between messages, `request_rate_per_sec`), and with that "
          "pause set to 0 through the API.\n")
    matrix_median = median_run(matrix_runs)
    write("| sender | messages | seconds | per second | CPU per message | peak RSS |")
    write("|---|---:|---:|---:|---:|---:|")
    for index, run in enumerate(matrix_runs, 1):
        write(f"| CaseWatch, run {index}{' (median)' if run is matrix_median else ''} | {fmt(run['deliveries'])} | "
              f"{fmt(run['seconds'], 2)} | {fmt(run['per_second'])} | {fmt(run.get('cpu_us_per_delivery'), 1)} µs | "
              f"{fmt(run['peak_rss_mb'], 1)} MB |")
    if apprise_matrix:
        write(f"| Apprise matrix://, pause removed | {fmt(apprise_matrix['sent'])} | {fmt(apprise_matrix['seconds'], 2)} | "
              f"{fmt(apprise_matrix['per_second'], 1)} | — | — |")
    if apprise_matrix_default:
        write(f"| Apprise matrix://, as shipped | {fmt(apprise_matrix_default['sent'])} | "
              f"{fmt(apprise_matrix_default['seconds'], 2)} | {fmt(apprise_matrix_default['per_second'], 2)} | — | — |")
    write(f"\nMessage body {matrix_median['payload_bytes_avg']} bytes on average.\n")
    if apprise_matrix:
        ratio = matrix_median["per_second"] / apprise_matrix["per_second"]
        targets.append(("Matrix ≥ 20× Apprise matrix:// (pause removed)",
                        f"{fmt(matrix_median['per_second'])}/s vs {fmt(apprise_matrix['per_second'], 1)}/s = {ratio:.1f}×",
                        ratio >= 20))

# --------------------------------------------------------------------------------------------------
emails = lines("emails.jsonl")
source = one("smtp-source.jsonl")
apprise_mail = one("apprise-mailto.jsonl")
apprise_mail_default = one("apprise-mailto-default.jsonl")
write("## 2. E-mail throughput\n")
write("**Method.** Postfix's `smtp-sink` run by hand on a free loopback port (no mail system configured). "
      "`casewatch-bench deliver-emails --count N --smtp smtp://127.0.0.1:PORT --concurrency 8` plans one "
      "alert to N readers as a cycle does (`AlertPlanner.drafts(for:suppressions:now:)`, the repository's "
      "templates, en/ru/fr in turn, `EmailComposer`: multipart/alternative, threading and List-Unsubscribe "
      "headers, each reader's name and link), enqueues them in a real SQLite outbox (the shared body lines "
      "stored once, each message put back together when it is claimed), and times one `DeliveryCycle.run()` (`SMTPSettings` with `requireTLS: false` — loopback; one "
      "SMTP session per lane, reused), after one warm-up cycle that is not recorded, "
      f"{len(emails)}× on a fresh store each time, the median compared. Beside it: `smtp-source -d -s 8 -m N -F alert.eml` — the very "
      "message CaseWatch sends, 8 sessions kept open — the sink's ceiling; and Apprise `mailto://` to the "
      "same sink from one Python process (the text part of the same alert as body).\n")
if emails:
    median = median_run(emails)
    write("| sender | messages | seconds | per second | CPU per message | peak RSS | vs smtp-source |")
    write("|---|---:|---:|---:|---:|---:|---:|")
    for index, run in enumerate(emails, 1):
        write(f"| CaseWatch, run {index}{' (median)' if run is median else ''} | {fmt(run['deliveries'])} | "
              f"{fmt(run['seconds'], 2)} | {fmt(run['per_second'])} | {fmt(run.get('cpu_us_per_delivery'), 1)} µs | "
              f"{fmt(run['peak_rss_mb'], 1)} MB | {run['per_second'] / source['per_second']:.0%} |" if source else "")
    if source:
        write(f"| smtp-source (ceiling) | {fmt(source['messages'])} | {fmt(source['seconds'], 2)} | "
              f"{fmt(source['per_second'])} | — | — | 100% |")
    if apprise_mail:
        write(f"| Apprise mailto://, pause removed | {fmt(apprise_mail['sent'])} | {fmt(apprise_mail['seconds'], 2)} | "
              f"{fmt(apprise_mail['per_second'], 1)} | — | — | {apprise_mail['per_second'] / source['per_second']:.1%} |" if source else "")
    if apprise_mail_default:
        write(f"| Apprise mailto://, as shipped | {fmt(apprise_mail_default['sent'])} | "
              f"{fmt(apprise_mail_default['seconds'], 2)} | {fmt(apprise_mail_default['per_second'], 2)} | — | — | "
              f"{apprise_mail_default['per_second'] / source['per_second']:.3%} |" if source else "")
    write("")
    write(f"Message {median['payload_bytes_avg']} bytes on average (smtp-source sent "
          f"{source['message_bytes'] if source else '?'} bytes, the first alert); rendering is not in the figure, "
          f"enqueueing took {median['enqueue_seconds']:.2f} s. Apprise's e-mail plugin waits "
          f"{apprise_mail_default['default_seconds_between_requests'] if apprise_mail_default else '5.5'} s between "
          "messages as shipped (`request_rate_per_sec`); the comparison uses the faster run with that pause "
          "set to 0 through the API, which opens one SMTP connection per message.\n")
    emails_dkim = lines("emails-dkim.jsonl")
    dkim_sign = lines("dkim-sign.jsonl")
    if emails_dkim or dkim_sign:
        write("**DKIM** (`email.dkim`). The same delivery with every message signed rsa-sha256 (2048 bits) as it is "
              "sent (`deliver-emails --dkim rsa`), and the signing alone on the same message, "
              "`casewatch-bench dkim-sign --count 2000` (relaxed canonicalisation, body hash, signature):\n")
        write("| what | messages | per second | CPU per message |")
        write("|---|---:|---:|---:|")
        if emails_dkim:
            signed = median_run(emails_dkim)
            write(f"| CaseWatch to smtp-sink, signed (median of {len(emails_dkim)}) | {fmt(signed['deliveries'])} | "
                  f"{fmt(signed['per_second'])} | {fmt(signed.get('cpu_us_per_delivery'), 1)} µs |")
            write(f"| CaseWatch to smtp-sink, unsigned (median above) | {fmt(median['deliveries'])} | "
                  f"{fmt(median['per_second'])} | {fmt(median.get('cpu_us_per_delivery'), 1)} µs |")
        for run in dkim_sign:
            write(f"| signing alone, {run['algorithms']} | {fmt(run['messages'])} | "
                  f"{fmt(1e6 / run['us_per_message'])} | {fmt(run['cpu_us_per_message'], 1)} µs |")
        write("")
    if source:
        ratio = median["per_second"] / source["per_second"]
        targets.append(("E-mail ≥ ½ of smtp-source's ceiling", f"{fmt(median['per_second'])}/s vs {fmt(source['per_second'])}/s = {ratio:.0%}", ratio >= 0.5))
    if apprise_mail:
        ratio = median["per_second"] / apprise_mail["per_second"]
        targets.append(("E-mail ≥ 20× Apprise mailto:// (pause removed)", f"{fmt(median['per_second'])}/s vs {fmt(apprise_mail['per_second'], 1)}/s = {ratio:.1f}×", ratio >= 20))

# --------------------------------------------------------------------------------------------------
registry = lines("registry.jsonl")
write("## 3. Registry scale\n")
write("**Method.** `casewatch-bench registry --cases N` writes N generated cases (names in en/ru/fr, "
      "claimant, court, case number, 2–5 history entries with notes, hearings, sources, tags) as one JSON "
      "array into a temporary registry folder, then runs detection twice on a fresh store: the silent "
      "first sync (every case recorded, nothing announced) and a second run on the unchanged registry. "
      "Phases: load = `Registry(configuration:).load()` (read, parse, validate); diff = "
      "`store.seenSnapshots()` + `RegistryDiff.compute` (canonical JSON and SHA-256 of every case, compared "
      "with the stored digests); record = `store.record` (one transaction). Peak RSS is the process's "
      "VmHWM, reset (`/proc/self/clear_refs`) after the file is written. One process per N. This drives "
      "the library's full path both times; the real `casewatch run --once` below does not read a file "
      "again while its stat signature is unchanged, which is what a cron tick pays.\n")
if registry:
    write("| cases | file | first sync: load | diff | record | **total** | unchanged: load | diff | record | **total** | peak RSS |")
    write("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for run in registry:
        write(f"| {fmt(run['cases'])} | {run['file_bytes'] / 1048576:.1f} MB | {run['first_load_seconds']:.3f} s | "
              f"{run['first_diff_seconds']:.3f} s | {run['first_record_seconds']:.3f} s | **{run['first_total_seconds']:.3f} s** | "
              f"{run['second_load_seconds']:.3f} s | {run['second_diff_seconds']:.3f} s | {run['second_record_seconds']:.3f} s | "
              f"**{run['second_total_seconds']:.3f} s** | {run['peak_rss_mb']:.1f} MB |")
    write("")
    if len(registry) >= 2:
        small, large = registry[0], registry[-1]
        factor = large["cases"] / small["cases"]
        write(f"**Growth** from {fmt(small['cases'])} to {fmt(large['cases'])} cases (×{factor:.0f}): first sync "
              f"×{large['first_total_seconds'] / small['first_total_seconds']:.1f}, unchanged run "
              f"×{large['second_total_seconds'] / small['second_total_seconds']:.1f}, peak RSS "
              f"×{large['peak_rss_mb'] / small['peak_rss_mb']:.1f} "
              f"({(large['peak_rss_mb'] - small['peak_rss_mb']) / (large['cases'] - small['cases']) * 1024:.1f} KB per extra case); "
              f"per case: {large['first_total_seconds'] / large['cases'] * 1e6:.1f} µs (first sync), "
              f"{large['second_total_seconds'] / large['cases'] * 1e6:.1f} µs (unchanged).\n")
    large = registry[-1]
    if "first_load_peak_rss_mb" in large:
        write(f"Memory at {fmt(large['cases'])} cases (VmHWM, from {large['baseline_rss_mb']:.0f} MB before): the load "
              f"phase alone peaks at {large['first_load_peak_rss_mb']:.0f} MB on the first sync and "
              f"{large['second_load_peak_rss_mb']:.0f} MB on the unchanged run; diff and record add "
              f"{large['first_record_peak_rss_mb'] - large['first_load_peak_rss_mb']:.0f} MB on top. The store "
              f"(database + WAL) ends at {large['database_bytes'] / 1048576:.0f} MB.\n")
    runs = {}
    for name in ("first", "second"):
        if (results / f"run-once-{name}.time").exists():
            runs[name] = gnu_time(f"run-once-{name}.time")
    if runs:
        cases = int((results / "run-once-cases.txt").read_text())
        write(f"The real binary, `casewatch run --once` on the {fmt(cases)}-case registry (a temporary "
              "`casewatch.yml`, file transports, no subscribers), under `/usr/bin/time -v`:\n")
        write("| run | wall | user | sys | max RSS | exit |")
        write("|---|---:|---:|---:|---:|---:|")
        if (results / "sqlite3-load.time").exists():
            runs["sqlite3"] = gnu_time("sqlite3-load.time")
        for name, label in (("first", "first sync (fresh state)"), ("second", "unchanged registry"),
                            ("sqlite3", "peer: the `sqlite3` command loading the same cases' rows (id, JSON) "
                                        "into one table in one transaction")):
            if name in runs:
                run = runs[name]
                write(f"| {label} | {run['seconds']:.2f} s | {run['user']:.2f} s | {run['system']:.2f} s | "
                      f"{run['rss_mb']:.1f} MB | {run['status']} |")
        write("")
    largest = registry[-1]
    if largest["cases"] >= 100000:
        first_ok = largest["first_total_seconds"] < 1 and largest["peak_rss_mb"] < 200
        second_ok = largest["second_total_seconds"] < 1 and largest["second_peak_rss_mb"] < 200
        targets.append(("100,000 cases < 1 s and < 200 MB: first sync",
                        f"{largest['first_total_seconds']:.2f} s, {largest['first_peak_rss_mb']:.0f} MB", first_ok))
        targets.append(("100,000 cases < 1 s and < 200 MB: unchanged run",
                        f"{largest['second_total_seconds']:.2f} s, {largest['second_peak_rss_mb']:.0f} MB", second_ok))
        if "first" in runs and "sqlite3" in runs:
            first, peer = runs["first"], runs["sqlite3"]
            ratio = first["seconds"] / peer["seconds"]
            targets.append(("100,000 cases, whole `casewatch run --once` first sync ≤ 2× the `sqlite3` load of the "
                            "same rows, and < 200 MB",
                            f"{first['seconds']:.2f} s vs {peer['seconds']:.2f} s = {ratio:.1f}×, "
                            f"{first['rss_mb']:.0f} MB", ratio <= 2 and first["rss_mb"] < 200))
        if "second" in runs:
            run = runs["second"]
            targets.append(("100,000 cases, whole `casewatch run --once` (unchanged) < 1 s and < 200 MB",
                            f"{run['seconds']:.2f} s, {run['rss_mb']:.0f} MB", run["seconds"] < 1 and run["rss_mb"] < 200))

# --------------------------------------------------------------------------------------------------
fanout = one("fanout.jsonl")
write("## 4. Fan-out\n")
write("**Method.** `casewatch-bench fanout --subscribers N`: N `Subscriber` values built in memory (half "
      "e-mail only, four in ten webhook only, one in ten both; en, ru, fr in turn; four kinds of filter, all "
      "matching), one ruling event; timed as a cycle does it: `AlertPlanner.drafts(for:suppressions:now:"
      "chunkSize:_:)` with the repository's templates — routing, rendering, RFC 5322 composition, webhook "
      "bodies — streamed 1,000 at a time into a real SQLite outbox in one transaction "
      "(`StateStore.enqueue(now:streaming:)`); the time spent writing chunks is summed as `enqueue`, the "
      "rest is `route + render`. Peak RSS: the process's VmHWM, subscribers included.\n")
if fanout:
    write("| subscribers | deliveries (e-mail + webhook) | route + render | enqueue | **total** | per second | "
          "RSS with subscribers loaded | peak RSS after planning | **peak RSS** |")
    write("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    write(f"| {fmt(fanout['subscribers'])} | {fmt(fanout['drafts'])} ({fmt(fanout['emails'])} + {fmt(fanout['webhooks'])}) | "
          f"{fanout['plan_seconds']:.2f} s | {fanout['enqueue_seconds']:.2f} s | **{fanout['total_seconds']:.2f} s** | "
          f"{fmt(fanout['per_second'])} | {fanout['baseline_rss_mb']:.0f} MB | {fanout['plan_peak_rss_mb']:.0f} MB | "
          f"**{fanout['peak_rss_mb']:.0f} MB** |")
    write("")
    write(f"The rendered payloads weigh {fanout['payload_mb']:.0f} MB (e-mails {fanout['email_bytes_avg']} "
          "bytes on average), streamed through the transaction a chunk at a time, never held whole; the store "
          "keeps each rendered body once and per entry only its own octets (headers, the lines with the reader's "
          "name and link), so the SQLite file holds "
          f"{fmt(fanout.get('database_mb'))} MB afterwards (its WAL {fmt(fanout.get('wal_mb'))} MB).\n")
    if fanout["subscribers"] >= 100000:
        targets.append(("100,000-subscriber fan-out < 3 s and < 300 MB",
                        f"{fanout['total_seconds']:.2f} s, {fanout['peak_rss_mb']:.0f} MB",
                        fanout["total_seconds"] < 3 and fanout["peak_rss_mb"] < 300))

# --------------------------------------------------------------------------------------------------
write("## 5. Idle cron tick\n")
write("**Method.** The repository's `casewatch.yml` with `registry/`, `subscribers/` and `templates/` copied "
      "to a temporary folder, `COE_WEBHOOK_SECRET` set to a `whsec_` value, one run first so nothing is "
      "new; then `hyperfine -N --warmup 3` of `casewatch run --once --config …` beside an empty Swift "
      "executable (`print(\"\")` built with `swiftc -O`): the start-up floor of any Swift program here.\n")
hyperfine_file = results / "hyperfine.json"
if hyperfine_file.exists():
    bench = json.loads(hyperfine_file.read_text())["results"]
    write("| command | mean | σ | median | min | max | runs |")
    write("|---|---:|---:|---:|---:|---:|---:|")
    for entry in bench:
        write(f"| {entry['command']} | {entry['mean'] * 1000:.1f} ms | {entry['stddev'] * 1000:.1f} ms | "
              f"{entry['median'] * 1000:.1f} ms | {entry['min'] * 1000:.1f} ms | {entry['max'] * 1000:.1f} ms | "
              f"{len(entry['times'])} |")
    write("")
    idle = next((entry for entry in bench if entry["command"].startswith("casewatch")), None)
    empty = next((entry for entry in bench if entry["command"].startswith("empty")), None)
    if idle and empty:
        write(f"CaseWatch's idle tick costs {(idle['mean'] - empty['mean']) * 1000:.1f} ms above a bare Swift "
              "start-up.\n")
    if idle:
        targets.append(("Idle tick < 100 ms", f"{idle['mean'] * 1000:.1f} ms (mean)", idle["mean"] < 0.1))

# --------------------------------------------------------------------------------------------------
pg_runs = lines("pg-nodes.jsonl")
sqlite_node_runs = lines("sqlite-node.jsonl")
# The SQLite cycle and wrk's ceiling this part is set beside: part 1's, or its own when run without part 1.
reference_webhooks = lines("postgres-webhooks.jsonl") or lines("webhooks.jsonl")
reference_wrk = one("postgres-wrk.jsonl") or one("wrk.jsonl")
groups = {}
for run in pg_runs:
    groups.setdefault(run["nodes"], []).append(run)
write("## 6. PostgreSQL nodes\n")
write("**Method.** The same nginx sink as in part 1 and the same deliveries: `casewatch-bench enqueue-webhooks "
      "--config FILE --count N --url …` builds the N webhook deliveries of `deliver-webhooks` (same body, same "
      "named `whsec_` secret) and queues them with the product's `enqueue` in the store the configuration names, "
      "opened as `casewatch` opens it. The PostgreSQL server is the repository's test peer "
      "(`Tests/Peers/postgres_peer.py`: a fresh `initdb` in a temporary directory, 127.0.0.1 on a free port, with "
      "its settings for speed — `fsync=off`, `synchronous_commit=off`, `full_page_writes=off`), started once; "
      "each measurement gets a new database (`CREATE DATABASE`, dropped afterwards). K configuration files differ "
      "only in `cluster.node_id` and `http.listen` (`state: postgres://postgres@127.0.0.1:PORT/DB`, "
      "`cluster.lease: 30s`, `webhooks.transport: http`, `delivery.concurrency: 8` per node, a 10-case registry). "
      "One `casewatch run --once` first (migrations, the silent first sync), one more with nothing to do (a "
      "node's own cost, shown below), the N deliveries queued, `ANALYZE outbox`, then K `casewatch run --once` "
      "processes started at the same moment: one leads detection (nothing new), every one claims from the shared "
      "queue (`FOR UPDATE SKIP LOCKED`, leases) until it is empty, and exits. Measured "
      "(`Benchmarks/tools/pg_nodes.py`): the wall time from their start until the last has exited, process "
      "start-up included; each node's user + system time and peak RSS (`wait4`); what each node says it sent; "
      "the PostgreSQL server's CPU over the same span (user + system of the postmaster and all its processes, "
      "those that ended included, from `/proc/PID/stat`); after the nodes' sessions have ended, the outbox "
      "table's `n_dead_tup` from `pg_stat_user_tables`; every entry checked delivered and one attempt recorded "
      "per entry. Beside it, the same harness with `state:` a SQLite file and one node (SQLite runs one cycle at "
      "a time), part 1's in-process SQLite cycle and wrk's ceiling. Each configuration "
      f"{len(groups.get(1, []))}× in turn after one warm-up that is not recorded; the run "
      "with the median rate is compared.\n")
if pg_runs:
    pg_facts = machine()
    write(f"Measured at {pg_facts.get('date', '?')} (UTC) on {pg_facts.get('nproc', '?')} cores "
          f"({pg_facts.get('cpu', '?')}), {pg_facts.get('postgresql', 'PostgreSQL ?')}. **This machine has "
          f"{pg_facts.get('nproc', '?')} cores**, shared by nginx, PostgreSQL and every node: a second or third "
          "node cannot add cores here, so more nodes cannot show more deliveries per second; what they show is "
          "what they cost — the nodes' CPU per delivery together and each node's CPU, and the database server's "
          "CPU per delivery.\n")
    medians = {nodes: median_run(runs) for nodes, runs in sorted(groups.items())}
    sqlite_node = median_run(sqlite_node_runs) if sqlite_node_runs else None
    in_process = median_run(reference_webhooks) if reference_webhooks else None

    def vs_wrk(run):
        return f"{run['per_second'] / reference_wrk['per_second']:.0%}" if reference_wrk else "—"

    def share(run):
        return f" ({vs_wrk(run)} of wrk)" if reference_wrk else ""

    def node_cpu(run):
        return ", ".join(f"{entry['cpu_seconds']:.2f} s for {fmt(entry['sent'])}" for entry in run["per_node"])

    columns = []
    if in_process:
        columns.append(("SQLite, 1 node: part 1's cycle (in-process)", in_process, "bench"))
    if sqlite_node:
        columns.append(("SQLite, 1 node (`run --once`)", sqlite_node, "sqlite"))
    for nodes, run in medians.items():
        columns.append((f"PostgreSQL, {nodes} node{'s' if nodes > 1 else ''}", run, "postgres"))
    write("Medians, in the manner of a before/after table (each column its median run):\n")
    write("| | " + " | ".join(label for label, _, _ in columns) + " |")
    write("|---|" + "---:|" * len(columns))
    rows = [
        ("deliveries", lambda run, kind: fmt(run["deliveries"])),
        ("seconds (wall)", lambda run, kind: f"{run['seconds']:.2f} s"),
        ("deliveries per second", lambda run, kind: f"{fmt(run['per_second'])}{share(run)}"),
        ("CaseWatch CPU per delivery (all nodes)", lambda run, kind: f"{run['cpu_us_per_delivery']:.1f} µs"),
        ("the same, less each node's cost with nothing to do", lambda run, kind:
            f"{(run['cpu_seconds'] - run['nodes'] * run['idle_cpu_seconds']) * 1e6 / max(1, run['deliveries']):.1f} µs"
            if kind != "bench" else "— (the cycle only)"),
        ("each node: CPU for what it sent", lambda run, kind: node_cpu(run) if kind != "bench" else
            f"{run['cpu_seconds']:.2f} s (the cycle only)"),
        ("database server CPU per delivery", lambda run, kind: f"{run['server_cpu_us_per_delivery']:.1f} µs"
            if kind == "postgres" else "— (in the process)"),
        ("CaseWatch + database server CPU per delivery", lambda run, kind:
            f"{run['cpu_us_per_delivery'] + (run.get('server_cpu_us_per_delivery') or 0):.1f} µs"),
        ("outbox dead tuples after the run (`n_dead_tup`)", lambda run, kind:
            f"{fmt(run['n_dead_tup'])} ({run['n_dead_tup'] / max(1, run['deliveries']):.2f} per delivery; "
            f"{fmt(run['n_tup_upd'])} updates, {fmt(run['n_tup_hot_upd'])} HOT; autovacuum runs: "
            f"{run['autovacuum_count']})" if kind == "postgres" else "—"),
        ("CPU during the run, a cross-check: nodes + server + nginx, of the machine's busy time (of cores × wall)",
            lambda run, kind: f"{run['cpu_seconds']:.2f} + {run.get('server_cpu_seconds') or 0:.2f} + "
            f"{run['sink_cpu_seconds']:.2f} = {run['cpu_seconds'] + (run.get('server_cpu_seconds') or 0) + run['sink_cpu_seconds']:.2f} s "
            f"of {run['machine_cpu_seconds']:.2f} s busy ({run['seconds'] * int(machine().get('nproc', 1)):.2f} s)"
            if kind != "bench" and run.get("sink_cpu_seconds") is not None else "—"),
        ("peak RSS per node", lambda run, kind: ", ".join(f"{entry['max_rss_mb']:.0f} MB" for entry in run["per_node"])
            if kind != "bench" else f"{run['peak_rss_mb']:.0f} MB"),
        ("a node with nothing to do (`run --once`)", lambda run, kind:
            f"{run['idle_seconds'] * 1000:.0f} ms, {run['idle_cpu_seconds'] * 1000:.0f} ms CPU" if kind != "bench" else "—"),
        ("queueing the N deliveries (not in the figures)", lambda run, kind: f"{run['enqueue_seconds']:.2f} s"),
    ]
    for label, cell in rows:
        write(f"| {label} | " + " | ".join(cell(run, kind) for _, run, kind in columns) + " |")
    write("")
    write("Every run:\n")
    write("| sender | nodes | deliveries | seconds | per second | vs wrk | CaseWatch CPU per delivery | "
          "PostgreSQL CPU per delivery | sent by each node | outbox dead tuples |")
    write("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|")
    if reference_wrk:
        write(f"| wrk (ceiling) | — | {fmt(reference_wrk['requests'])} | {fmt(reference_wrk['seconds'], 2)} | "
              f"{fmt(reference_wrk['per_second'])} | 100% | — | — | — | — |")
    if in_process:
        write(f"| SQLite, part 1's in-process cycle (median of {len(reference_webhooks)}) | 1 | "
              f"{fmt(in_process['deliveries'])} | {in_process['seconds']:.2f} | {fmt(in_process['per_second'])} | "
              f"{vs_wrk(in_process)} | "
              f"{in_process['cpu_us_per_delivery']:.1f} µs | — | — | — |")
    for label, runs in [("SQLite, `run --once`", sqlite_node_runs)] + [
            (f"PostgreSQL, `run --once` × {nodes}", runs) for nodes, runs in sorted(groups.items())]:
        middle = median_run(runs)
        for index, run in enumerate(runs, 1):
            write(f"| {label}, run {index}{' (median)' if run is middle else ''} | {run['nodes']} | "
                  f"{fmt(run['deliveries'])} | {run['seconds']:.2f} | {fmt(run['per_second'])} | "
                  f"{vs_wrk(run)} | {run['cpu_us_per_delivery']:.1f} µs | "
                  + (f"{run['server_cpu_us_per_delivery']:.1f} µs" if run.get("server_cpu_us_per_delivery") is not None else "—")
                  + f" | {' + '.join(fmt(entry['sent']) for entry in run['per_node'])} | "
                  + (fmt(run["n_dead_tup"]) + (" (autovacuum ran)" if run.get("autovacuum_count") else "")
                     if "n_dead_tup" in run else "—") + " |")
    write("")
    one_node = medians.get(1)
    if one_node and sqlite_node:
        ratio = one_node["cpu_us_per_delivery"] / sqlite_node["cpu_us_per_delivery"]
        total = one_node["cpu_us_per_delivery"] + one_node["server_cpu_us_per_delivery"]
        total_ratio = total / sqlite_node["cpu_us_per_delivery"]
        write(f"One PostgreSQL node spends {one_node['cpu_us_per_delivery']:.1f} µs of its own CPU per delivery, "
              f"{ratio:.1f}× the SQLite node's {sqlite_node['cpu_us_per_delivery']:.1f} µs (target: within 2×), and "
              f"the server {one_node['server_cpu_us_per_delivery']:.1f} µs more: {total:.1f} µs in all, "
              f"{total_ratio:.1f}× SQLite's, whose store works inside the process"
              + (f"; part 1's in-process SQLite cycle, without start-up and detection, spends "
                 f"{in_process['cpu_us_per_delivery']:.1f} µs" if in_process else "") + ".\n")
        targets.append(("One PostgreSQL node: CaseWatch's CPU per delivery within 2× of SQLite's (`run --once`, "
                        "one node each)",
                        f"{one_node['cpu_us_per_delivery']:.1f} µs vs {sqlite_node['cpu_us_per_delivery']:.1f} µs = "
                        f"{ratio:.1f}×", ratio <= 2))
        targets.append(("One PostgreSQL node: CaseWatch + PostgreSQL server CPU per delivery within 2× of SQLite's",
                        f"{one_node['cpu_us_per_delivery']:.1f} + {one_node['server_cpu_us_per_delivery']:.1f} µs vs "
                        f"{sqlite_node['cpu_us_per_delivery']:.1f} µs = {total_ratio:.1f}×", total_ratio <= 2))
    updates = sum(run["n_tup_upd"] for run in pg_runs)
    hot = sum(run["n_tup_hot_upd"] for run in pg_runs)
    untouched = [run["n_dead_tup"] for run in pg_runs if not run["autovacuum_count"]]
    write(f"The queue's dead tuples: every run rewrote the outbox rows {updates / sum(run['deliveries'] for run in pg_runs):.2f} "
          f"times per delivery (`n_tup_upd`; {hot / max(1, updates):.1%} of them HOT), each rewrite leaving a dead "
          "version behind; what is still dead after the run depends on whether autovacuum (its launcher looks at each "
          f"database about once a minute by default) happened to visit the table during it: "
          f"{sum(1 for run in pg_runs if run['autovacuum_count'])} of {len(pg_runs)} runs"
          + (f"; without it, {fmt(min(untouched))}–{fmt(max(untouched))} dead tuples for "
             f"{fmt(pg_runs[0]['deliveries'])} deliveries" if untouched else "") + ".\n")
    for nodes, run in medians.items():
        if nodes > 1:
            write(f"{nodes} nodes: {fmt(run['per_second'])}/s, {run['cpu_us_per_delivery']:.1f} µs of the nodes' CPU "
                  f"and {run['server_cpu_us_per_delivery']:.1f} µs of the server's per delivery; each node's CPU: "
                  f"{node_cpu(run)}.")
    write("")

# --------------------------------------------------------------------------------------------------
import_runs = lines("import.jsonl")
write("## 7. Importing an official list\n")
write("**Method.** `Benchmarks/tools/undesirable_xlsx.py` writes a generated list of undesirable organisations in the "
      "Ministry of Justice's layout (one sheet «Лист 1»; A1 the title, A2 «По состоянию на …», row 3 the nine "
      "headers the importer checks, data from row 4) with openpyxl through `Tests/Peers/make_xlsx.py`, every string "
      "moved into `xl/sharedStrings.xml` as Excel stores them: entry k has the inclusion order «k-р» dated between "
      "2015 and 2026 (order number and date, the stable key, distinct on every row), the name «Организация № k» "
      "(Organisation No. k) and one of twelve countries, every tenth decision date a date cell, every twentieth entry "
      "excluded. A fresh set-up per run: a `casewatch.yml` whose only registry source is "
      "`{id: undesirable, import: minjust-undesirable, path: lists/undesirable.xlsx}` (`initial_sync: silent`, state "
      "a SQLite file in the set-up, the repository's templates copied, an empty `subscribers/`, file transports, "
      "`http.token_secret_env`), then `casewatch run --once` twice under `/usr/bin/time -v`: the first run imports "
      "the list, the second finds it unchanged (what the run says it read anew is recorded). Beside it, what an "
      "operator would script instead, openpyxl merely reading the same file's rows: `python3 -c \"import openpyxl; "
      "wb = openpyxl.load_workbook(PATH, read_only=True); rows = sum(1 for _ in wb['Лист 1'].iter_rows("
      "values_only=True))\"`, and the same without `read_only` (the system Python with Debian's python3-openpyxl). "
      "One warm-up of each first, not recorded; then the four commands in turn, "
      f"{len([run for run in import_runs if run['benchmark'] == 'import-first'])}×; medians compared, the import "
      "against the faster of openpyxl's two reads.\n")
if import_runs:
    import_facts = machine()
    groups7 = {}
    for run in import_runs:
        groups7.setdefault(run["benchmark"], []).append(run)
    sample = import_runs[0]
    write(f"Measured at {import_facts.get('date', '?')} (UTC) on {import_facts.get('nproc', '?')} cores "
          f"({import_facts.get('cpu', '?')}); openpyxl {import_facts.get('openpyxl', '?')} (Debian), "
          f"{import_facts.get('system_python', 'Python ?')}. The workbook: {fmt(sample['entries'])} entries, "
          f"{sample['xlsx_bytes'] / 1024:.0f} KB.\n")
    labels7 = [("import-first", "`casewatch run --once`, first: the import (fresh state)"),
               ("import-second", "`casewatch run --once`, second: the list unchanged"),
               ("openpyxl-read-only", "openpyxl, `read_only=True`: reading the rows"),
               ("openpyxl-full", "openpyxl, default mode: reading the rows")]
    write("| command | wall (median) | user | sys | max RSS | every run's wall | what it said |")
    write("|---|---:|---:|---:|---:|---|---|")
    medians7 = {}
    for key, label in labels7:
        runs = groups7.get(key, [])
        if not runs:
            continue
        middle = medians7[key] = median_run(runs, "seconds")
        if key.startswith("import"):
            said = (f"{fmt(middle['cases'])} case(s), {fmt(middle['read_anew'])} read anew"
                    if middle.get("read_anew") is not None else f"«{middle.get('said', '')}»")
        else:
            said = f"{fmt(middle['rows'])} rows" if middle.get("rows") is not None else "—"
        walls = ", ".join(f"{run['seconds']:.2f}" for run in runs)
        write(f"| {label} | {middle['seconds']:.2f} s | {middle['user']:.2f} s | {middle['sys']:.2f} s | "
              f"{middle['max_rss_mb']:.1f} MB | {walls} | {said} |")
    write("")
    first7, second7 = groups7.get("import-first", []), groups7.get("import-second", [])
    readers = [medians7[key] for key in ("openpyxl-read-only", "openpyxl-full") if key in medians7]
    if first7 and readers:
        fastest = min(readers, key=lambda run: run["seconds"])
        middle = medians7["import-first"]
        ratio = middle["seconds"] / fastest["seconds"]
        peak = max(run["max_rss_mb"] for run in first7)
        which = "read_only" if fastest["benchmark"] == "openpyxl-read-only" else "default mode"
        sentence = (f"The import took {middle['seconds']:.2f} s, {ratio:.1f}× openpyxl's faster read ({which}, "
                    f"{fastest['seconds']:.2f} s), at most {peak:.0f} MB (openpyxl: {fastest['max_rss_mb']:.0f} MB)")
        if "import-second" in medians7:
            sentence += (f"; the unchanged run {medians7['import-second']['seconds']:.2f} s, in which the list is "
                         "recognised by its file's stat signature (a touched file by the SHA-256 of its bytes) and "
                         "neither read nor parsed again")
        write(sentence + ".\n")
        label = f"{fmt(sample['entries'])}-entry XLSX import"
        targets.append((f"{label} faster than openpyxl's read",
                        f"{middle['seconds']:.2f} s vs {fastest['seconds']:.2f} s ({which}) = {ratio:.1f}×",
                        middle["seconds"] < fastest["seconds"] and all(run["status"] == 0 for run in first7)))
        targets.append((f"{label} under 100 MB", f"{peak:.1f} MB (largest of {len(first7)} runs)", peak < 100))
    if second7:
        again = [run for run in second7 if run.get("read_anew") != 0 or run["status"] != 0
                 or run.get("cases") != run["entries"]]
        unchanged = medians7["import-second"]["seconds"]
        share = (f" = {unchanged / medians7['import-first']['seconds']:.0%} of the import's"
                 if "import-first" in medians7 else "")
        targets.append(("Unchanged list: not re-imported",
                        f"{len(second7) - len(again)} of {len(second7)} second runs read 0 anew, "
                        f"{fmt(second7[0].get('cases'))} cases kept; the run takes {unchanged:.2f} s{share} "
                        "(the file's stat, not read or parsed)", not again))

# --------------------------------------------------------------------------------------------------
feed_runs = lines("feeds.jsonl")
if feed_runs:
    write("## 8. Published documents under a burst\n")
    write("**Method.** `casewatch serve` on the sample registry announced (29 `case.added` events, so the feed "
          "holds 29 entries), nobody subscribed, the cycle hourly; once the first cycle has run, "
          "`wrk -t2 -c64 --latency` for the peer's seconds, repeated, against `/healthz` (the server's floor: "
          "a constant answer), `/feed.atom?lang=ru` and `/cases.json`. Readers ask without validators, so every "
          "answer is a full 200: what a burst of new readers costs.\n")
    write("| endpoint | requests/s (median run) | p50 | p99 | errors | runs |")
    write("|---|---:|---:|---:|---:|---:|")
    medians8 = {}
    for name in ("/healthz", "/feed.atom?lang=ru", "/cases.json"):
        runs = [run for run in feed_runs if run.get("name") == name]
        if not runs:
            continue
        run = median_run(runs)
        medians8[name] = run
        errors = sum(run[key] for key in run if key.startswith("errors_"))
        write(f"| `{name}` | {fmt(run['per_second'])} | {run['latency_p50_ms']:.1f} ms | {run['latency_p99_ms']:.1f} ms"
              f" | {errors} | {len(runs)} |")
    write("")
    if "/healthz" in medians8 and "/feed.atom?lang=ru" in medians8:
        feed, floor = medians8["/feed.atom?lang=ru"], medians8["/healthz"]
        targets.append(("Feed under a burst: /feed.atom ≥ half of /healthz's rate",
                        f"{fmt(feed['per_second'])}/s vs {fmt(floor['per_second'])}/s "
                        f"({feed['per_second'] / floor['per_second']:.0%}), p99 {feed['latency_p99_ms']:.0f} ms",
                        feed["per_second"] >= 0.5 * floor["per_second"]))

# --------------------------------------------------------------------------------------------------
findings = here / "profiling.md"
if findings.exists():
    write(findings.read_text().rstrip() + "\n")

write("## Raw results of this run\n")
write("```")
for path in sorted(results.glob("*.jsonl")):
    for line in path.read_text().splitlines():
        if line.strip():
            write(line)
write("```\n")

summary = ["| target | this run | |", "|---|---|---|"]
for name, figure, ok in targets:
    summary.append(f"| {name} | {figure} | {verdict(ok)} |")
if quick:
    summary.append("\n(quick run: counts reduced, not a judgement of the targets)")
summary.append("")
out[summary_at:summary_at] = summary

page = "\n".join(line for line in out if line is not None) + "\n"

# --only: the parts measured in this run replace theirs in the existing page; the rest of it stays.
SECTION_PARTS = {"## 1. ": "webhooks", "## 2. ": "email", "## 3. ": "registry", "## 4. ": "fanout",
                 "## 5. ": "idle", "## 6. ": "postgres", "## 7. ": "import", "## 8. ": "feeds"}


def target_part(name):
    for prefix, part in (("Webhooks", "webhooks"), ("Matrix", "webhooks"), ("E-mail", "email"), ("100,000-subscriber", "fanout"),
                         ("100,000 cases", "registry"), ("Idle", "idle"), ("One PostgreSQL", "postgres")):
        if name.startswith(prefix):
            return part
    if "-entry XLSX import" in name or name.startswith("Unchanged list"):
        return "import"
    if name.startswith("Feed under a burst"):
        return "feeds"
    return None


def raw_part(record):
    kind = record.get("part") or record.get("benchmark", "")
    if kind == "apprise":
        return "email" if record.get("url", "").startswith("mailto") else "webhooks"
    return {"deliver-webhooks": "webhooks", "deliver-matrix": "webhooks", "wrk": "webhooks", "libcurl-lanes": "webhooks",
            "libcurl-multi": "webhooks", "deliver-emails": "email", "smtp-source": "email",
            "deliver-emails-dkim": "email", "dkim-sign": "email",
            "registry": "registry", "fanout": "fanout", "pg-nodes": "postgres", "sqlite-node": "postgres",
            "postgres": "postgres", "import-first": "import", "import-second": "import",
            "openpyxl-read-only": "import", "openpyxl-full": "import", "serve-get": "feeds"}.get(kind)


def sections(text):
    """The page cut at its `## ` headings: [(heading line, text)], the part before the first heading first."""
    found = []
    for chunk in re.split(r"(?m)^(?=## )", text):
        found.append((chunk.splitlines()[0] if chunk.startswith("## ") else "", chunk))
    return found


if only is not None and output.exists():
    old = dict(sections(output.read_text()))
    merged = []
    for heading, chunk in sections(page):
        part = next((name for prefix, name in SECTION_PARTS.items() if heading.startswith(prefix)), None)
        if heading.startswith("## Machine"):
            chunk = old.get(heading, chunk)
        elif part is not None and part not in only:
            chunk = old.get(heading, "")
        elif heading.startswith("## Summary"):
            kept = []
            for line in old.get(heading, "").splitlines():
                cells = line.split(" | ")
                if line.startswith("| ") and not line.startswith("| target") and target_part(cells[0][2:]) not in only:
                    kept.append(line)
            rows = [f"| {name} | {figure} | {verdict(ok)} |" for name, figure, ok in targets if target_part(name) in only]
            order = list(SECTION_PARTS.values())
            rows = sorted(kept + rows, key=lambda line: order.index(target_part(line.split(" | ")[0][2:]) or "postgres"))
            chunk = "## Summary\n\n| target | this run | |\n|---|---|---|\n" + "\n".join(rows) + "\n\n"
        elif heading.startswith("## Raw results"):
            old_lines = [line for line in old.get(heading, "").splitlines() if line.startswith("{")]
            kept = [line for line in old_lines if raw_part(json.loads(line)) not in only]
            new_lines = [line for line in chunk.splitlines() if line.startswith("{")
                         and raw_part(json.loads(line)) in only]
            chunk = "## Raw results of this run\n\n" + (
                "Parts measured in different runs (`BENCH_ONLY`): " + ", ".join(sorted(only)) + " in the latest.\n\n"
                if only else "") + "```\n" + "\n".join(kept + new_lines) + "\n```\n\n"
        merged.append(chunk)
    # A part not measured in this run whose section this page did not write (it writes a section only from its
    # results) keeps its old section, in the old order, before the notes on missed targets.
    written = {heading for heading, _ in sections(page)}
    kept_old = [chunk for heading, chunk in sections(output.read_text())
                if heading not in written and heading.startswith("## ")
                and next((name for prefix, name in SECTION_PARTS.items() if heading.startswith(prefix)), None)
                not in (None, *only)]
    if kept_old:
        at = next((index for index, chunk in enumerate(merged) if chunk.startswith("## Where")), len(merged))
        merged[at:at] = kept_old
    page = "".join(merged)

output.write_text(page)
