#!/usr/bin/python3
"""A throw-away PostgreSQL server for CaseWatch's tests.

It makes a fresh cluster in a temporary directory (initdb), runs `postgres` on
127.0.0.1 with settings that favour speed over durability, and deletes it all
when stopped. See README.md beside this file for the command line.

Needs only the standard library and Debian's `postgresql` package (the server
binaries in /usr/lib/postgresql/<version>/bin), plus /usr/bin/openssl for --tls.
"""

import argparse
import math
import os
import pwd
import secrets
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
OPENSSL = "/usr/bin/openssl"
SERVICE_USER = "postgres"
HOST = "127.0.0.1"

START_TIMEOUT = 60      # seconds for postgres to accept connections
STOP_GRACE = 5          # seconds after SIGINT (fast shutdown) before SIGKILL
PORT_ATTEMPTS = 3       # a port picked free may be taken before postgres binds it
OPENSSL_TIMEOUT = 30    # seconds for each openssl command of --tls
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



def run_or_exit(command, cwd, timeout, name, hint=""):
    """Run a set-up program; exit with its output if it fails or takes more than `timeout` seconds."""
    try:
        result = subprocess.run(command, cwd=cwd, env=clean_environment(),
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, timeout=timeout,
                                preexec_fn=unblock_signals)
    except subprocess.TimeoutExpired:
        raise SystemExit(f"postgres_peer: {name} took more than {timeout} s")
    if result.returncode != 0:
        sys.stderr.buffer.write(result.stdout)
        raise SystemExit(f"postgres_peer: {name} failed (status {result.returncode}){hint}")

class Peer:
    def __init__(self, args, bindir):
        self.args = args
        self.bindir = bindir
        self.base = None        # the temporary directory, removed at the end
        self.postgres = None    # the postgres child process
        self.port = None
        self.as_user = []       # command prefix that drops to the postgres user (root only)
        self.uid = self.gid = None
        self.tls = None         # (CA certificate, server certificate, server key) with --tls

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

    def run_openssl(self, arguments, cwd):
        """Run /usr/bin/openssl as ourselves; exit with its output if it fails."""
        run_or_exit([OPENSSL] + arguments, cwd, OPENSSL_TIMEOUT, "openssl " + arguments[0])

    def make_certificates(self):
        """--tls: a self-signed CA and a server certificate it signs, for
        127.0.0.1 and localhost, in the folder `tls` of the temporary directory.
        The server's key belongs to the server's user with mode 0600 (postgres
        refuses a key that others can read)."""
        folder = os.path.join(self.base, "tls")
        os.mkdir(folder, 0o700)
        if self.uid is not None:
            os.chown(folder, self.uid, self.gid)
        # Valid from now for at least the peer's lifetime (whole days, at least two).
        days = str(max(2, math.ceil(self.args.lifetime / 86400) + 1))
        curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        ca_key, ca = os.path.join(folder, "ca.key"), os.path.join(folder, "ca.pem")
        key, request = os.path.join(folder, "server.key"), os.path.join(folder, "server.csr")
        certificate, extensions = os.path.join(folder, "server.pem"), os.path.join(folder, "server.ext")
        self.run_openssl(["req", "-x509"] + curve + [
            "-keyout", ca_key, "-out", ca, "-days", days,
            "-subj", "/CN=CaseWatch postgres_peer test CA",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign"], cwd=folder)
        self.run_openssl(["req", "-new"] + curve + [
            "-keyout", key, "-out", request, "-subj", "/CN=localhost"], cwd=folder)
        with open(extensions, "w", encoding="ascii") as f:
            f.write("basicConstraints=critical,CA:FALSE\n"
                    "keyUsage=critical,digitalSignature,keyEncipherment\n"
                    "extendedKeyUsage=serverAuth\n"
                    "subjectKeyIdentifier=hash\n"
                    "authorityKeyIdentifier=keyid,issuer\n"
                    "subjectAltName=IP:127.0.0.1,DNS:localhost\n")
        self.run_openssl(["x509", "-req", "-in", request, "-CA", ca, "-CAkey", ca_key,
                          "-set_serial", str(secrets.randbits(63) + 1), "-days", days,
                          "-extfile", extensions, "-out", certificate], cwd=folder)
        os.chmod(key, 0o600)
        os.chmod(certificate, 0o644)
        if self.uid is not None:
            os.chown(key, self.uid, self.gid)
            os.chown(certificate, self.uid, self.gid)
        self.tls = (ca, certificate, key)

    def run_as_user(self, command, timeout):
        """Run a set-up program as the server's user; exit with its output if it fails."""
        run_or_exit(self.as_user + command, self.base, timeout, os.path.basename(command[0]),
                    f"; is {self.base} reachable by the user that runs the server?")

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
        if self.tls is not None:
            _, certificate, key = self.tls
            command += ["-c", "ssl=on", "-c", f"ssl_cert_file={certificate}",
                        "-c", f"ssl_key_file={key}"]
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
        """`select 1` over TCP as the postgres user, with the password if any;
        with --tls, over TLS with the certificate verified against our CA."""
        env = clean_environment(self.args.password)
        env["PGCONNECT_TIMEOUT"] = "5"
        if self.tls is not None:
            env["PGSSLMODE"] = "verify-full"
            env["PGSSLROOTCERT"] = self.tls[0]
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
        if self.args.tls:
            self.make_certificates()
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
    parser.add_argument("--tls", action="store_true",
                        help="serve TLS too, with a certificate for 127.0.0.1 and localhost "
                             "signed by a CA made for this peer")
    parser.add_argument("--ca-file", metavar="PATH",
                        help="with --tls, where to write the CA certificate "
                             "(default: the port file's path with .ca.pem added)")
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
    if args.ca_file is not None and not args.tls:
        parser.error("--ca-file needs --tls")
    if args.tls:
        if not os.access(OPENSSL, os.X_OK):
            parser.error(f"--tls needs {OPENSSL}")
        if args.ca_file is None:
            args.ca_file = args.port_file + ".ca.pem"

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
            if peer.tls is not None:
                # Before the port file: once that is there, so is the CA.
                with open(peer.tls[0], "rb") as f:
                    write_atomically(args.ca_file, f.read())
            write_atomically(args.port_file, f"{peer.port}\n".encode())
            say(f"PostgreSQL ({bindir}) accepts connections on {HOST}:{peer.port}"
                + (f" (TLS too, CA in {args.ca_file})" if peer.tls is not None else "")
                + f", data in {peer.base}")
            status = peer.wait()
    finally:
        peer.stop()
    sys.exit(status)


if __name__ == "__main__":
    main()
