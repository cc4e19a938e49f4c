"""The gunicorn worker (gevent): graceful stops, problem documents for its own errors, the URL."""

from __future__ import annotations

import json
import resource
import shlex
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial

import gevent
from gevent.pool import Pool
from gevent.server import StreamServer
from gunicorn import glogging, util
from gunicorn.sock import ssl_context
from gunicorn.workers.ggevent import GeventWorker

from tenant_config.platform.problems import PROBLEM_MEDIA_TYPE, problem_type_for

DEFAULT_BIND = "127.0.0.1:8080"
GUNICORN_DEFAULT_PORT = 8000
# A server bound to every interface is reached on this machine through loopback.
_ANY_ADDRESS = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}  # noqa: S104


# Files a worker holds besides its connections: pool, listener, logs, metric samples.
SPARE_FILES = 256
# How long a stopping worker still waits for a request on an idle connection (as gthread).
STOP_KEEPALIVE_LINGER = 2.0


class Worker(GeventWorker):
    """gunicorn's gevent worker (a greenlet per connection), stopping promptly.

    gevent's own worker notices a stop (a signal, or `max_requests` reached) at its next
    once-a-second tick and accepts connections until then, and it waits out every idle
    keep-alive connection (`keepalive` seconds, which may be longer than the grace period).
    This one closes its listeners at once, so new connections go to the other workers or are
    refused and the balancer retries elsewhere, and gives idle connections
    STOP_KEEPALIVE_LINGER seconds more.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.servers: list[StreamServer] = []
        self.idle: dict[gevent.Timeout, gevent.Greenlet] = {}  # connections between requests

    def init_process(self) -> None:
        """Allow as many open files as `worker_connections` needs, then patch and serve."""
        self._allow_open_files(self.worker_connections + SPARE_FILES)
        super().init_process()

    def _allow_open_files(self, wanted: int) -> None:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft == resource.RLIM_INFINITY or soft >= wanted:
            return
        raised = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
        if raised < wanted:
            self.log.warning("open files limited to %s (hard limit): %s wanted", raised, wanted)

    def run(self) -> None:
        """Serve until told to stop, then let the connections in flight finish."""
        ssl_args = {"ssl_context": ssl_context(self.cfg)} if self.cfg.is_ssl else {}
        for listener in self.sockets:
            listener.setblocking(1)
            server = StreamServer(
                listener,
                handle=partial(self.handle, _ListenerName(listener)),
                spawn=Pool(self.worker_connections),
                **ssl_args,
            )
            if self.cfg.workers > 1:
                server.max_accept = 1  # leave the next connection to another worker
            server.start()
            self.servers.append(server)
        while self.alive:
            self.notify()
            gevent.sleep(1.0)
        self.close_listeners()
        gevent.spawn_later(STOP_KEEPALIVE_LINGER, self._end_idle_waits)
        deadline = time.monotonic() + self.cfg.graceful_timeout
        for server in self.servers:
            while not server.pool.join(timeout=1.0):
                if time.monotonic() >= deadline:
                    self.log.warning("Worker graceful timeout (pid:%s)", self.pid)
                    for busy in self.servers:
                        busy.stop(timeout=1)
                    return
                self.notify()

    def close_listeners(self) -> None:
        """Stop accepting and close this worker's listening sockets."""
        for server in self.servers:
            if not server.closed:
                server.close()

    def handle_request(self, listener_name, req, sock, addr):
        try:
            return super().handle_request(listener_name, req, sock, addr)
        finally:
            if not self.alive:  # this request was the worker's last (max_requests)
                self.close_listeners()

    def handle_exit(self, sig, frame) -> None:
        super().handle_exit(sig, frame)
        # Out of the signal handler, which may have interrupted the server's own accept loop.
        gevent.spawn(self.close_listeners)

    @contextmanager
    def timeout_ctx(self) -> Iterator[None]:
        """Wait for a connection's next request for `keepalive` seconds (stopping: less)."""
        seconds = self.cfg.keepalive if self.alive else STOP_KEEPALIVE_LINGER
        timeout = gevent.Timeout(seconds, False)  # False: the wait just ends, no error
        self.idle[timeout] = gevent.getcurrent()
        try:
            with timeout:
                yield
        finally:
            del self.idle[timeout]

    def _end_idle_waits(self) -> None:
        for timeout in list(self.idle):
            gevent.get_hub().loop.run_callback(self._end_idle_wait, timeout)

    def _end_idle_wait(self, timeout: gevent.Timeout) -> None:
        # In the hub, so the connection cannot have woken up between this check and the throw.
        if (connection := self.idle.get(timeout)) is not None:
            connection.throw(timeout)


class _ListenerName:
    """A listener's address, still known to connections accepted just before it closed."""

    def __init__(self, listener):
        self.name = listener.getsockname()

    def getsockname(self):
        return self.name


class Logger(glogging.Logger):
    """gunicorn's logger without its access lines: the application logs each request itself.

    With `logconfig_dict` set, gunicorn builds every access line's fields even though no
    handler prints them (~6 % of a lookup's time).
    """

    def access(self, resp, req, environ, request_time) -> None:
        """Log nothing."""


def write_problem(sock, status_int: int, reason: str, mesg: str) -> None:
    """Answer a request gunicorn refused (URI too long, bad headers...) with a problem document.

    `mesg` is not echoed: it quotes the refused request line, which may carry anything.
    """
    problem = problem_type_for(status_int)
    body = json.dumps(
        {
            "type": problem.uri,
            "title": problem.title,
            "status": status_int,
            "detail": f"{reason}: the HTTP server refused the request before the service read it.",
            "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "traceId": str(uuid.uuid4()),
        }
    ).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
        f"Content-Type: {PROBLEM_MEDIA_TYPE}\r\nContent-Length: {len(body)}\r\n"
        "X-Content-Type-Options: nosniff\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


def install() -> None:
    """Make gunicorn write its own error answers as problem documents, and close gently.

    gunicorn 27's gevent worker closes a connection at once; request bytes it has not read
    (a refused URI of 9 KiB, a body left unread) then turn the close into a reset, and the
    client's kernel drops the answer it had not read yet. The lingering close of its other
    workers (RFC 9112 section 9.6: FIN, drain, close) lets the answer arrive.
    """
    util.write_error = write_problem
    util.close = util.close_graceful


def bind_setting(environ: Mapping[str, str]) -> str:
    """Return `TENANT_CONFIG_BIND` as gunicorn.conf.py reads it (blank: the default)."""
    return environ.get("TENANT_CONFIG_BIND", DEFAULT_BIND).strip() or DEFAULT_BIND


def curl_target(bind: str) -> tuple[str, str]:
    """Return the curl options and base URL that reach the first address gunicorn binds."""
    address = bind.split(",")[0].strip()
    if address.startswith("unix:"):
        return f"--unix-socket {shlex.quote(address.removeprefix('unix:'))} ", "http://localhost"
    address = address.removeprefix("tcp://")
    if address.startswith("["):
        host, _, port = address[1:].partition("]")
        port = port.removeprefix(":")
    elif address.count(":") == 1:
        host, _, port = address.partition(":")
    else:
        host, port = address, ""
    host = _ANY_ADDRESS.get(host, host)
    if ":" in host:
        host = f"[{host}]"
    return "", f"http://{host}:{port or GUNICORN_DEFAULT_PORT}"
