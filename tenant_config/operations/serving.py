"""The gunicorn worker: graceful stops, problem documents for gunicorn's own errors, the URL."""

from __future__ import annotations

import json
import shlex
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime

from gunicorn import util
from gunicorn.workers.gthread import ThreadWorker

from tenant_config.platform.problems import PROBLEM_MEDIA_TYPE, problem_type_for

DEFAULT_BIND = "127.0.0.1:8080"
GUNICORN_DEFAULT_PORT = 8000
# A server bound to every interface is reached on this machine through loopback.
_ANY_ADDRESS = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}  # noqa: S104


class Worker(ThreadWorker):
    """gthread, except that a stopping worker closes its listening sockets at once.

    Plain gthread keeps them open until its requests in flight are done, so new connections
    wait in the backlog and are reset later; closed, they are refused and the balancer retries.
    """

    def set_accept_enabled(self, enabled: bool) -> None:
        super().set_accept_enabled(enabled)
        if not enabled and not self.alive:
            for listener in self.sockets:
                listener.close()


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
    """Make gunicorn write its own error answers as problem documents (gunicorn 27)."""
    util.write_error = write_problem


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
