"""What the HTTP stand-ins share: the port file written whole, and serving until SIGTERM or SIGINT (or the
peer's lifetime ends), then closing the server and its log. The Swift side starts each peer and stops it by
its PID; a peer whose test process died ends on its own after `lifetime` seconds."""

import os
import signal
import threading

STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}


def block_stop_signals():
    """Called first: the stop signals are taken by sigtimedwait below, never by a default handler."""
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)


def write_atomically(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def serve_until_stopped(server, port_file, lifetime):
    """Announces the server's port, serves on a thread of its own until a stop signal or `lifetime`, then
    shuts down and closes the server and its `log_file`."""
    write_atomically(port_file, f"{server.server_address[1]}\n".encode())
    thread = threading.Thread(target=server.serve_forever, args=(0.2,))
    thread.start()
    try:
        signal.sigtimedwait(STOP_SIGNALS, lifetime)
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        server.log_file.close()
