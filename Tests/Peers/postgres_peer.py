#!/usr/bin/python3
"""A throw-away PostgreSQL server for CaseWatch's tests.

It makes a fresh cluster in a temporary directory (initdb), runs `postgres` on
127.0.0.1 with settings that favour speed over durability, and deletes it all
when stopped. See README.md beside this file for the command line.

Needs only the standard library and Debian's `postgresql` package (the server
binaries in /usr/lib/postgresql/<version>/bin).
"""

import argparse
import math
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}
# SIGCHLD is blocked too, so that the wait for a stop signal also wakes up
# when postgres dies on its own.
WAIT_SIGNALS = STOP_SIGNALS | {signal.SIGCHLD}

POSTGRESQL_ROOT = "/usr/lib/postgresql"
PROGRAMS = ("initdb", "postgres", "pg_isready", "psql")
SETPRIV = "/usr/bin/setpriv"
SERVICE_USER = "postgres"
HOST = "127.0.0.1"

START_TIMEOUT = 60      # seconds for postgres to accept connections
STOP_GRACE = 5          # seconds after SIGINT (fast shutdown) before SIGKILL
PORT_ATTEMPTS = 3       # a port picked free may be taken before postgres binds it
# A Unix socket path must fit in sockaddr_un.sun_path (108 bytes with the NUL).
SOCKET_PATH_MAX = 107


def say(message):
    print(f"postgres_peer: {message}", file=sys.stderr, flush=True)


def write_atomically(path, data):
    """Write bytes to `path` so that readers see either nothing or all of it."""
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def find_bindir():
    """The bin folder of the highest PostgreSQL version installed the Debian
    way (/usr/lib/postgresql/<version>/bin), or None."""
    try:
        names = os.listdir(POSTGRESQL_ROOT)
    except OSError:
        return None
    found = []
    for name in names:
        try:
            version = tuple(int(part) for part in name.split("."))
        except ValueError:
            continue
        bindir = os.path.join(POSTGRESQL_ROOT, name, "bin")
        if all(os.access(os.path.join(bindir, program), os.X_OK) for program in PROGRAMS):
            found.append((version, bindir))
    return max(found)[1] if found else None


def free_port():
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def clean_environment(password=None):
    """Our environment without PG* variables (a PGHOST or PGDATA of the
    caller's must not steer initdb, postgres or psql), plus PGPASSWORD."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    if password is not None:
        env["PGPASSWORD"] = password
    return env


def unblock_signals():
    """preexec_fn: children start with the default signal mask, not ours."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, WAIT_SIGNALS)


class Peer:
    def __init__(self, args, bindir):
        self.args = args
        self.bindir = bindir
        self.base = None        # the temporary directory, removed at the end
        self.postgres = None    # the postgres child process
        self.port = None
        self.as_user = []       # command prefix that drops to the postgres user (root only)
        self.uid = self.gid = None

    def program(self, name):
        return os.path.join(self.bindir, name)

    # -- set-up -------------------------------------------------------------

    def prepare(self):
        """Make the temporary directory and pick who runs the server."""
        if os.geteuid() == 0:
            # initdb and postgres refuse to run as root: they run as the
            # postgres user, through setpriv.
            try:
                account = pwd.getpwnam(SERVICE_USER)
            except KeyError:
                raise SystemExit(f"postgres_peer: running as root, but there is no `{SERVICE_USER}` "
                                 "user to run the server as (Debian's postgresql-common makes it)")
            if not os.access(SETPRIV, os.X_OK):
                raise SystemExit(f"postgres_peer: running as root needs {SETPRIV} (util-linux)")
            self.uid, self.gid = account.pw_uid, account.pw_gid
            self.as_user = [SETPRIV, f"--reuid={self.uid}", f"--regid={self.gid}",
                            "--init-groups", "--"]

        parent = self.args.dir or "/tmp"
        os.makedirs(parent, exist_ok=True)
        self.base = tempfile.mkdtemp(prefix="postgres-peer-", dir=parent)
        if self.uid is not None:
            os.chown(self.base, self.uid, self.gid)

    def run_as_user(self, command, timeout):
        """Run a set-up program as the server's user; exit with its output if it fails."""
        try:
            result = subprocess.run(self.as_user + command,
                                    cwd=self.base, env=clean_environment(),
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, timeout=timeout,
                                    preexec_fn=unblock_signals)
        except subprocess.TimeoutExpired:
            raise SystemExit(f"postgres_peer: {os.path.basename(command[0])} took more than {timeout} s")
        if result.returncode != 0:
            sys.stderr.buffer.write(result.stdout)
            raise SystemExit(f"postgres_peer: {os.path.basename(command[0])} failed "
                             f"(status {result.returncode}); is {self.base} reachable by "
                             f"the user that runs the server?")

    def initdb(self):
        data = os.path.join(self.base, "data")
        command = [self.program("initdb"), "-D", data, "-U", "postgres",
                   "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"]
        password_file = None
        if self.args.password is None:
            command.append("--auth=trust")
        else:
            # Trust on the Unix socket (inside the data directory, reachable
            # only by its owner), the password over TCP.
            password_file = os.path.join(self.base, "password")
            fd = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(self.args.password + "\n")
            if self.uid is not None:
                os.chown(password_file, self.uid, self.gid)
            command += ["--auth-local=trust", "--auth-host=scram-sha-256",
                        f"--pwfile={password_file}"]
        try:
            self.run_as_user(command, timeout=120)
        finally:
            if password_file:
                os.unlink(password_file)
        return data

    def start_postgres(self, data):
        self.port = free_port()
        # The Unix socket goes into the data directory; if its path would be
        # too long, the server listens on TCP only.
        socket_dir = data if len(f"{data}/.s.PGSQL.{self.port}") <= SOCKET_PATH_MAX else ""
        # setpriv --pdeathsig: should this peer be killed outright, postgres
        # gets a fast shutdown instead of lingering. setpriv execs postgres in
        # place (runuser would fork), so the PID we hold is postgres's own.
        if self.as_user:
            prefix = self.as_user[:-1] + ["--pdeathsig", "SIGINT", "--"]
        elif os.access(SETPRIV, os.X_OK):
            prefix = [SETPRIV, "--pdeathsig", "SIGINT", "--"]
        else:
            prefix = []
        command = prefix + [
            self.program("postgres"), "-D", data, "-p", str(self.port),
            "-c", f"listen_addresses={HOST}", "-k", socket_dir,
            "-c", "fsync=off", "-c", "synchronous_commit=off",
            "-c", "full_page_writes=off", "-c", "max_connections=200",
        ]
        # The server's log lines go to our stderr.
        self.postgres = subprocess.Popen(command, cwd=self.base, env=clean_environment(),
                                         stdin=subprocess.DEVNULL, stdout=sys.stderr.fileno(),
                                         preexec_fn=unblock_signals)

    def is_ready(self):
        """True once postgres accepts connections on its TCP port."""
        try:
            result = subprocess.run(
                [self.program("pg_isready"), "-q", "-h", HOST, "-p", str(self.port),
                 "-U", "postgres", "-d", "postgres", "-t", "2"],
                env=clean_environment(), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                timeout=5, preexec_fn=unblock_signals)
        except subprocess.TimeoutExpired:
            return False
        return result.returncode == 0

    def check_query(self):
        """`select 1` over TCP as the postgres user, with the password if any."""
        env = clean_environment(self.args.password)
        env["PGCONNECT_TIMEOUT"] = "5"
        try:
            result = subprocess.run(
                [self.program("psql"), "-X", "-q", "-A", "-t", "-h", HOST, "-p", str(self.port),
                 "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", "select 1"],
                env=env, stdin=subprocess.DEVNULL, capture_output=True,
                timeout=20, preexec_fn=unblock_signals)
        except subprocess.TimeoutExpired:
            raise SystemExit("postgres_peer: `select 1` did not finish within 20 s")
        if result.returncode != 0 or result.stdout.strip() != b"1":
            sys.stderr.buffer.write(result.stderr)
            raise SystemExit(f"postgres_peer: `select 1` failed (psql status {result.returncode})")

    def start(self):
        """initdb, then start postgres and wait until it answers. Returns False
        if a stop signal arrived meanwhile (the caller then stops and cleans up)."""
        self.prepare()
        data = self.initdb()
        if pending_stop():
            return False
        for attempt in range(1, PORT_ATTEMPTS + 1):
            self.start_postgres(data)
            deadline = time.monotonic() + START_TIMEOUT
            while self.postgres.poll() is None and not self.is_ready():
                if time.monotonic() > deadline:
                    raise SystemExit(f"postgres_peer: postgres did not accept connections "
                                     f"within {START_TIMEOUT} s")
                # The pause between polls is also where a stop signal is taken.
                if signal.sigtimedwait(STOP_SIGNALS, 0.05) is not None:
                    return False
            if self.postgres.poll() is None:
                break
            say(f"postgres exited with status {self.postgres.returncode} before accepting "
                f"connections on port {self.port}" + ("; trying another port"
                                                      if attempt < PORT_ATTEMPTS else ""))
            self.postgres = None
            if pending_stop():
                return False
        else:
            raise SystemExit("postgres_peer: postgres did not start (see its log above)")
        self.check_query()
        return True

    # -- running and stopping -------------------------------------------------

    def wait(self):
        """Block until a stop signal, the end of the lifetime, postgres's own
        death or (with --stop-with-parent) our parent's. Returns an exit status."""
        deadline = time.monotonic() + self.args.lifetime
        parent = os.getppid()
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                say(f"lifetime of {self.args.lifetime:g} s is over; stopping")
                return 0
            timeout = min(remaining, 1.0) if self.args.stop_with_parent else remaining
            info = signal.sigtimedwait(WAIT_SIGNALS, timeout)
            if info is not None and info.si_signo in STOP_SIGNALS:
                return 0
            if self.postgres.poll() is not None:
                say(f"postgres exited on its own (status {self.postgres.returncode})")
                return 1
            if self.args.stop_with_parent and os.getppid() != parent:
                say("the process that started this peer is gone; stopping")
                return 0

    def stop(self):
        """Fast shutdown of postgres by its PID (SIGKILL if it takes too long),
        then remove the temporary directory."""
        if self.postgres is not None:
            if self.postgres.poll() is None:
                os.kill(self.postgres.pid, signal.SIGINT)
                try:
                    self.postgres.wait(STOP_GRACE)
                except subprocess.TimeoutExpired:
                    say(f"postgres did not stop within {STOP_GRACE} s; killing it")
                    os.kill(self.postgres.pid, signal.SIGKILL)
                    self.postgres.wait()
            self.postgres = None
        if self.base is not None:
            try:
                shutil.rmtree(self.base)
            except OSError as error:
                say(f"could not remove {self.base}: {error}")
            self.base = None


def pending_stop():
    """Take a stop signal that is already pending, if any."""
    return bool(STOP_SIGNALS & signal.sigpending()) and \
        signal.sigtimedwait(STOP_SIGNALS, 0) is not None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port-file", metavar="PATH", required=True)
    parser.add_argument("--dir", metavar="DIR",
                        help="make the temporary directory inside DIR (default /tmp)")
    parser.add_argument("--password", metavar="PASSWORD",
                        help="the postgres user's password, required over TCP (scram-sha-256)")
    parser.add_argument("--stop-with-parent", action="store_true",
                        help="stop when the process that started the peer exits")
    parser.add_argument("--lifetime", type=float, default=1800, metavar="SECONDS",
                        help="exit after this long even if never signalled")
    args = parser.parse_args()
    if not (args.lifetime > 0 and math.isfinite(args.lifetime)):
        parser.error("--lifetime must be a positive number of seconds")
    if args.password is not None and (args.password == "" or "\n" in args.password
                                      or "\r" in args.password or "\0" in args.password):
        parser.error("--password must be one non-empty line")
    if args.dir is not None and os.path.exists(args.dir) and not os.path.isdir(args.dir):
        parser.error(f"--dir {args.dir}: not a directory")

    # From here on a stop signal stays pending until we take it, so one that
    # arrives during initdb or start-up is not lost.
    signal.pthread_sigmask(signal.SIG_BLOCK, WAIT_SIGNALS)

    bindir = find_bindir()
    if bindir is None:
        say(f"no PostgreSQL server in {POSTGRESQL_ROOT}/<version>/bin "
            "(Debian package `postgresql`)")
        sys.exit(1)

    peer = Peer(args, bindir)
    status = 0
    try:
        if peer.start():
            write_atomically(args.port_file, f"{peer.port}\n".encode())
            say(f"PostgreSQL ({bindir}) accepts connections on {HOST}:{peer.port}, "
                f"data in {peer.base}")
            status = peer.wait()
    finally:
        peer.stop()
    sys.exit(status)


if __name__ == "__main__":
    main()
