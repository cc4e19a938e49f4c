"""The gunicorn worker: graceful stops, and problem documents for gunicorn's own errors."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from gunicorn import util
from gunicorn.workers.gthread import ThreadWorker

from tenant_config.platform.problems import PROBLEM_MEDIA_TYPE, problem_type_for


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
