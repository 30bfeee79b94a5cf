"""One measurement of webhook delivery by `casewatch run --once` nodes sharing one store.

Usage:
  pg_nodes.py --postgres PORT --peer-pid PID --nodes K --count N --hook URL --casewatch BIN --bench BIN
              --templates DIR --registry DIR --work DIR [--database NAME]
  pg_nodes.py --sqlite --count N --hook URL --casewatch BIN --bench BIN --templates DIR --registry DIR --work DIR

With --postgres: a fresh database (CREATE DATABASE) on the throw-away server that Tests/Peers/postgres_peer.py
runs on PORT (PID is the peer's), K configuration files that differ only in cluster.node_id and http.listen, one
`run --once` of the first node (migrations, the silent first sync of a small registry), then one more with nothing
to do (the idle cost of a node, measured), then `casewatch-bench enqueue-webhooks` queues N webhook deliveries to
URL, ANALYZE outbox, and the K nodes are started at the same moment and drain the queue together. Measured: the
wall time from their start until the last has exited, each node's user + system time and peak RSS (wait4), what
each node says it sent, the PostgreSQL server's CPU over the same span (utime + stime of the postmaster and
its children, plus the cutime + cstime of those it reaped, from /proc, before and after), then the outbox
table's statistics (pg_stat_user_tables: n_dead_tup and the rest) once the nodes' sessions have ended, and, as a
cross-check, the sink's CPU (nginx, with --sink-pid) and how busy the whole machine was over the span (/proc/stat). The database is dropped at the end.

With --sqlite: the same with `state:` a SQLite file and one node (SQLite runs one cycle at a time).

Prints one JSON line. Every process started here is waited for with a bound and stopped by its PID.
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
NODE_TIMEOUT = 600      # seconds for the nodes to drain the queue
STOP_GRACE = 5          # seconds after SIGTERM before SIGKILL
LIVE = {}               # PID -> Popen of the nodes running now, stopped on the way out whatever happens


def say(message):
    print(f"pg_nodes: {message}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- the PostgreSQL server's CPU, from /proc ------------------------------------------------------------------

def stat_fields(pid):
    """The fields of /proc/PID/stat after the command name (state first), or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            text = handle.read().decode("ascii", "replace")
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()


def children(parent):
    """PIDs whose parent is `parent` (scanning /proc: no CONFIG_PROC_CHILDREN needed)."""
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            fields = stat_fields(name)
            if fields and int(fields[1]) == parent:
                found.append(int(name))
    return found


def postmaster_of(peer_pid):
    """The postgres server the peer runs (setpriv execs postgres in place, so it is the peer's child)."""
    for pid in children(peer_pid):
        try:
            command = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
        except OSError:
            continue
        if command and os.path.basename(command[0].decode()) == "postgres":
            return pid
    raise SystemExit(f"pg_nodes: no postgres process under the peer {peer_pid}")


def server_cpu(postmaster):
    """Seconds of CPU the server has used so far: the postmaster's own and its reaped children's, plus each
    live child's own and its reaped children's. A backend that ends between two readings moves from the live
    children into the postmaster's cutime/cstime, so the difference of two readings counts it once."""
    def total(fields):
        # utime, stime, cutime, cstime: fields 14-17 of stat(5), 11-14 here (the state is field 3).
        return sum(int(value) for value in fields[11:15])

    own = stat_fields(postmaster)
    if own is None:
        raise SystemExit("pg_nodes: the postgres server is gone")
    ticks = total(own)
    for pid in children(postmaster):
        fields = stat_fields(pid)
        if fields:
            ticks += total(fields)
    return ticks / CLOCK_TICKS


def machine_cpu():
    """Seconds of CPU the whole machine has been busy so far (all cores; /proc/stat, idle and iowait left out):
    a cross-check, since the nodes, the server and nginx should account for nearly all of it."""
    with open("/proc/stat") as handle:
        values = [int(value) for value in handle.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (values + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


# -- processes ------------------------------------------------------------------------------------------------

def stop(process):
    """SIGTERM by PID, SIGKILL after STOP_GRACE seconds; bounded."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(STOP_GRACE)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(STOP_GRACE)


def run_quiet(command, env, timeout, what):
    result = subprocess.run(command, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    if result.returncode != 0:
        sys.stderr.buffer.write(result.stdout + result.stderr)
        raise SystemExit(f"pg_nodes: {what} failed (status {result.returncode})")
    return result.stdout.decode()


def run_nodes(commands, env, logs):
    """Starts every command at once and waits for all (bounded). Per node: seconds, user, sys, peak RSS, exit
    status; and the wall time from the first start to the last exit."""
    started = time.monotonic()
    running = {}
    for index, command in enumerate(commands):
        log = open(logs[index], "wb")
        process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        running[process.pid] = (index, process)
        LIVE[process.pid] = process
    finished = [None] * len(commands)
    deadline = started + NODE_TIMEOUT
    while running:
        for pid in list(running):
            try:
                waited, status, usage = os.wait4(pid, os.WNOHANG)
            except ChildProcessError:
                waited, status, usage = pid, 0, None
            if waited == 0:
                continue
            index, process = running.pop(pid)
            LIVE.pop(pid, None)
            process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
            finished[index] = {
                "seconds": time.monotonic() - started,
                "user": usage.ru_utime if usage else None, "sys": usage.ru_stime if usage else None,
                "max_rss_mb": usage.ru_maxrss / 1024 if usage else None, "status": process.returncode,
            }
        if running and time.monotonic() > deadline:
            for pid, (index, process) in running.items():
                say(f"node {index + 1} (pid {pid}) still running after {NODE_TIMEOUT} s; stopping it")
                stop(process)
                LIVE.pop(pid, None)
                finished[index] = {"seconds": None, "user": None, "sys": None, "max_rss_mb": None, "status": "timeout"}
            running = {}
        if running:
            time.sleep(0.005)
    return time.monotonic() - started, finished


# -- one measurement ------------------------------------------------------------------------------------------

def configuration(state, node, listen, registry, templates):
    node_lines = f"cluster:\n  node_id: {node}\n  lease: 30s\n" if node else ""
    return f"""state: {state}
{node_lines}registry:
  sources:
    - path: {registry}
  initial_sync: silent
templates: {templates}
subscribers: subscribers/
email:
  transport: file
  from: "CaseWatch <alerts@example.org>"
  directory: var/mail
webhooks:
  transport: http
  timeout: 15s
network:
  allow_private: [127.0.0.0/8]
delivery:
  concurrency: 8
http:
  listen: {listen}
  token_secret_env: CASEWATCH_BENCH_TOKEN_SECRET
"""


def main():
    parser = argparse.ArgumentParser()
    engine = parser.add_mutually_exclusive_group(required=True)
    engine.add_argument("--postgres", type=int, metavar="PORT")
    engine.add_argument("--sqlite", action="store_true")
    parser.add_argument("--peer-pid", type=int)
    parser.add_argument("--nodes", type=int, default=1)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--hook", required=True)
    parser.add_argument("--casewatch", required=True)
    parser.add_argument("--bench", required=True)
    parser.add_argument("--templates", required=True)
    parser.add_argument("--registry", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--database")
    parser.add_argument("--sink-pid", type=int, help="the webhook sink's PID (nginx), whose CPU is measured too")
    args = parser.parse_args()
    if args.postgres and not args.peer_pid:
        parser.error("--postgres needs --peer-pid")
    if args.sqlite and args.nodes != 1:
        parser.error("--sqlite runs one node")

    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    env.setdefault("CASEWATCH_BENCH_TOKEN_SECRET", "bench-token-secret")
    if not env.get("CASEWATCH_BENCH_WEBHOOK_SECRET", "").startswith("whsec_"):
        raise SystemExit("pg_nodes: CASEWATCH_BENCH_WEBHOOK_SECRET must hold a whsec_ secret")
    env["PGCONNECT_TIMEOUT"] = "10"
    psql = shutil.which("psql")

    def sql(query, database="postgres"):
        return run_quiet([psql, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                          "-p", str(args.postgres), "-U", "postgres", "-d", database, "-c", query],
                         env, 120, f"psql {query!r}").strip()

    folder = os.path.join(args.work, args.database or ("sqlite" if args.sqlite else f"nodes{args.nodes}"))
    os.makedirs(os.path.join(folder, "subscribers"), exist_ok=True)
    database = None
    if args.postgres:
        database = args.database or f"casewatch_bench_{args.nodes}_{os.getpid()}"
        sql(f"CREATE DATABASE {database}")
        state = f"postgres://postgres@127.0.0.1:{args.postgres}/{database}"
        postmaster = postmaster_of(args.peer_pid)
    else:
        state = "var/casewatch.sqlite"
    configs = []
    for index in range(args.nodes):
        path = os.path.join(folder, f"node{index + 1}.yml")
        with open(path, "w") as handle:
            handle.write(configuration(state, f"node-{index + 1}" if args.postgres else None,
                                       f"127.0.0.1:{free_port()}", args.registry, args.templates))
        configs.append(path)
    node = lambda config: [args.casewatch, "run", "--once", "--config", config]

    try:
        # Migrations and the silent first sync, then a run with nothing to do: what a node costs by itself.
        run_quiet(node(configs[0]), env, 120, "the first run --once")
        idle_seconds, idle = run_nodes([node(configs[0])], env, [os.path.join(folder, "idle.log")])
        enqueue = json.loads(run_quiet(
            [args.bench, "enqueue-webhooks", "--config", configs[0], "--count", str(args.count),
             "--url", args.hook, "--templates", args.templates], env, 600, "enqueue-webhooks").splitlines()[-1])
        if args.postgres:
            sql("ANALYZE outbox", database)
            before = server_cpu(postmaster)
            sessions_before = len(children(postmaster))
        sink_before = server_cpu(args.sink_pid) if args.sink_pid else None
        machine_before = machine_cpu()
        logs = [os.path.join(folder, f"node{index + 1}.log") for index in range(args.nodes)]
        seconds, nodes = run_nodes([node(config) for config in configs], env, logs)
        machine_seconds = machine_cpu() - machine_before
        sink_seconds = server_cpu(args.sink_pid) - sink_before if args.sink_pid else None
        stats = {}
        if args.postgres:
            # The nodes' sessions end with them; wait (bounded) until their backends are gone, so that their
            # CPU is counted and their statistics are flushed.
            for _ in range(100):
                if len(children(postmaster)) <= sessions_before:
                    break
                time.sleep(0.05)
            server_seconds = server_cpu(postmaster) - before
            row = sql("SELECT n_live_tup, n_dead_tup, n_tup_upd, n_tup_hot_upd, autovacuum_count, "
                      "coalesce(pg_total_relation_size('outbox'), 0) FROM pg_stat_user_tables "
                      "WHERE relname = 'outbox'", database).split("|")
            stats = dict(zip(["n_live_tup", "n_dead_tup", "n_tup_upd", "n_tup_hot_upd", "autovacuum_count",
                              "outbox_bytes"], (int(value) for value in row)))
            states = dict(line.split("|") for line in
                          sql("SELECT state, count(*) FROM outbox GROUP BY state", database).splitlines())
            attempts = int(sql("SELECT count(*) FROM attempt", database))
            server_version = sql("SHOW server_version")
        else:
            server_seconds = None
            store = os.path.join(folder, "var", "casewatch.sqlite")
            states = dict(line.split("|") for line in run_quiet(
                ["sqlite3", store, "SELECT state, count(*) FROM outbox GROUP BY state"], env, 60, "sqlite3").splitlines())
            attempts = int(run_quiet(["sqlite3", store, "SELECT count(*) FROM attempt"], env, 60, "sqlite3"))
            server_version = None
    finally:
        if database:
            try:
                sql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
            except SystemExit as error:
                say(f"could not drop {database}: {error}")

    sent = []
    for log in logs:
        text = open(log, errors="replace").read()
        found = re.findall(r"sent (\d+), retrying (\d+), dead (\d+)", text)
        sent.append(int(found[-1][0]) if found else None)
    delivered = int(states.get("delivered", 0))
    cpu = sum(entry["user"] + entry["sys"] for entry in nodes if entry["user"] is not None)
    line = {
        "benchmark": "pg-nodes" if args.postgres else "sqlite-node",
        "engine": "postgres" if args.postgres else "sqlite",
        "nodes": args.nodes,
        "deliveries": delivered,
        "queued": enqueue["enqueued"],
        "attempts": attempts,
        "states": {key: int(value) for key, value in states.items()},
        "seconds": round(seconds, 4),
        "per_second": round(delivered / seconds, 1),
        "cpu_seconds": round(cpu, 4),
        "cpu_us_per_delivery": round(cpu * 1e6 / max(1, delivered), 1),
        "server_cpu_seconds": None if server_seconds is None else round(server_seconds, 4),
        "server_cpu_us_per_delivery": None if server_seconds is None else round(server_seconds * 1e6 / max(1, delivered), 1),
        "sink_cpu_seconds": None if sink_seconds is None else round(sink_seconds, 2),
        "machine_cpu_seconds": round(machine_seconds, 2),
        **stats,
        "per_node": [
            {"node": index + 1, "sent": sent[index], "seconds": None if entry["seconds"] is None else round(entry["seconds"], 4),
             "cpu_seconds": None if entry["user"] is None else round(entry["user"] + entry["sys"], 4),
             "user": entry["user"], "sys": entry["sys"],
             "max_rss_mb": None if entry["max_rss_mb"] is None else round(entry["max_rss_mb"], 1), "status": entry["status"]}
            for index, entry in enumerate(nodes)],
        "idle_seconds": round(idle_seconds, 4),
        "idle_cpu_seconds": round(idle[0]["user"] + idle[0]["sys"], 4),
        "enqueue_seconds": enqueue["enqueue_seconds"],
        "payload_bytes_avg": enqueue["payload_bytes_avg"],
        "concurrency_per_node": 8,
        "server_version": server_version,
        "target": args.hook,
    }
    print(json.dumps(line), flush=True)
    failures = [entry["status"] for entry in nodes if entry["status"] != 0]
    if delivered != args.count or failures:
        for log in logs:
            sys.stderr.write(open(log, errors="replace").read()[-2000:])
        raise SystemExit(f"pg_nodes: {delivered} of {args.count} delivered, node exit statuses {[e['status'] for e in nodes]}")


if __name__ == "__main__":
    # SIGTERM (run.sh's bound, or its clean-up) ends this script through the `finally` below, which stops the
    # nodes it started, by their PIDs.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        main()
    finally:
        for process in list(LIVE.values()):
            stop(process)
