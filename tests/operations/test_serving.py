"""gunicorn's own refusals (before the app runs) are problem documents too."""

from __future__ import annotations

import socket

import pytest
import requests

from tests.support.servers import Gunicorn, server_env

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(jwks_file, tmp_path_factory):
    folder = tmp_path_factory.mktemp("serving")
    env = server_env(f"sqlite:///{folder / 'db.sqlite'}", jwks_file, folder)
    with Gunicorn(env, folder) as running:
        yield running


def raw_request(server: Gunicorn, request: bytes) -> tuple[str, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines)
    return status, headers, body


@pytest.mark.parametrize(
    ("request_bytes", "status", "problem"),
    [
        (
            b"GET /" + b"a" * 9000 + b"?access_token=SECRET HTTP/1.1\r\nHost: x\r\n\r\n",
            414,
            "uri-too-long",
        ),
        (
            b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 21000 + b"\r\n\r\n",
            431,
            "headers-too-large",
        ),
        (b"NOT A REQUEST\r\n\r\n", 400, "bad-request"),
    ],
)
def test_refusals_are_problem_documents(server, request_bytes, status, problem):
    line, headers, body = raw_request(server, request_bytes)
    assert line.startswith(f"HTTP/1.1 {status} ")
    assert headers["Content-Type"] == "application/problem+json"
    assert headers["X-Content-Type-Options"] == "nosniff"
    document = requests.models.complexjson.loads(body)
    assert document["status"] == status
    assert document["type"] == f"urn:tenant-config:problem:{problem}"
    assert b"SECRET" not in body


def test_the_service_still_answers_after_refusals(server):
    assert requests.get(server.url("/health/live"), timeout=5).status_code == 200
