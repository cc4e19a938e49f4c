"""What real gunicorn hands the app: chunked bodies over 64 KiB, tokens up to the documented
16 KiB, URLs holding NUL or bytes that are not UTF-8, `//` with a hostile Host header."""

from __future__ import annotations

import json
import socket
import uuid

import pytest
import requests
from flask_migrate import upgrade

from tenant_config.app import create_app
from tenant_config.platform.auth import MAX_TOKEN_LENGTH
from tenant_config.platform.database import db
from tenant_config.platform.settings import Settings
from tenant_config.platform.sizes import BODY_MAX_BYTES
from tests.support.servers import Gunicorn, server_env

pytestmark = pytest.mark.slow
TIMEOUT = (2, 30)


@pytest.fixture(scope="module")
def server(app, database_url, jwks_file, tmp_path_factory):
    """gunicorn on the backend under test (SQLite: a file of its own, migrated here)."""
    folder = tmp_path_factory.mktemp("gunicorn")
    if database_url.startswith("sqlite"):
        # Not the session's file: another process closing it last would pull its WAL away.
        database_url = f"sqlite:///{folder / 'gunicorn.db'}"
        env = server_env(database_url, jwks_file, folder)
        migrated = create_app(Settings.from_env(env))
        with migrated.app_context():
            upgrade()
            db.engine.dispose()
    env = server_env(database_url, jwks_file, folder, WORKERS=1)
    with Gunicorn(env, folder) as running:
        yield running


@pytest.fixture
def world(server, make_token):
    """A tenant of its own with one integration, and the headers of a token for it."""
    tenant = str(uuid.uuid4())
    headers = {"Authorization": f"Bearer {make_token(tenants=[tenant])}"}
    body = {
        "name": "n",
        "client": str(uuid.uuid4()),
        "tenant": tenant,
        "partnerTenant": str(uuid.uuid4()),
        "connector": "BIGCOMMERCE_OSERIES",
    }
    created = requests.post(
        server.url("/tenantintegrations"), json=body, headers=headers, timeout=TIMEOUT
    )
    assert created.status_code == 201, created.text
    return {"headers": headers, "configs": f"/tenantintegrations/{created.json()['id']}/configs"}


@pytest.fixture
def config_url(server, world) -> str:
    response = requests.post(
        server.url(world["configs"]),
        json={"group": "g", "name": "kept", "value": "v"},
        headers=world["headers"],
        timeout=TIMEOUT,
    )
    assert response.status_code == 201, response.text
    return f"{world['configs']}/{response.json()['id']}"


def send_chunked(server: Gunicorn, method: str, path: str, headers: dict, body: bytes) -> tuple:
    """Send `body` with Transfer-Encoding: chunked (no Content-Length); return status, JSON."""
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"
    chunks = b"".join(
        f"{len(body[i : i + 8192]):x}\r\n".encode() + body[i : i + 8192] + b"\r\n"
        for i in range(0, len(body), 8192)
    )
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(head.encode("latin-1") + chunks + b"0\r\n\r\n")
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            data = connection.recv(65536)
            if not data:
                break
            answer += data
    status_line, _, rest = answer.partition(b"\r\n")
    _, _, body_bytes = rest.partition(b"\r\n\r\n")
    return int(status_line.split()[1]), json.loads(body_bytes or b"{}")


def padded_config(size: int, name: str) -> bytes:
    """A valid config body padded with JSON whitespace to exactly `size` bytes."""
    body = json.dumps({"group": "g", "name": name, "value": "v"}).encode()
    return body[:-1] + b" " * (size - len(body)) + b"}"


def config_names(server: Gunicorn, world: dict) -> list[str]:
    response = requests.get(server.url(world["configs"]), headers=world["headers"], timeout=TIMEOUT)
    return [config["name"] for config in response.json()["content"]]


def test_a_chunked_body_of_64_kib_is_read_and_one_byte_more_is_413(server, world):
    json_headers = world["headers"] | {"Content-Type": "application/json"}
    status, problem = send_chunked(
        server, "POST", world["configs"], json_headers, padded_config(BODY_MAX_BYTES + 1, "over")
    )
    assert status == 413, problem
    assert problem["type"] == "urn:tenant-config:problem:payload-too-large"
    status, created = send_chunked(
        server, "POST", world["configs"], json_headers, padded_config(BODY_MAX_BYTES, "at")
    )
    assert status == 201, created
    assert config_names(server, world) == ["at"]


@pytest.mark.parametrize(
    ("method", "content_type", "body"),
    [
        ("POST", "application/json", b"{" + b" " * 70_000 + b"}"),
        ("POST", "application/json", b"not json " * 10_000),
        ("POST", "text/plain", b"x" * 100_000),
        ("PUT", "application/json", b"[" * 70_000),
        ("DELETE", "application/json", b'{"version": 0' + b" " * 70_000 + b"}"),
        ("GET", "application/json", b"{" + b" " * 70_000 + b"}"),
    ],
)
def test_a_chunked_body_over_64_kib_is_413_whatever_it_holds(
    server, world, config_url, method, content_type, body
):
    url = world["configs"] if method in ("POST", "GET") else config_url
    headers = world["headers"] | {"Content-Type": content_type}
    status, problem = send_chunked(server, method, url, headers, body)
    assert status == 413, problem
    assert problem["type"] == "urn:tenant-config:problem:payload-too-large"
    assert config_names(server, world) == ["kept"]
    kept = requests.get(server.url(config_url), headers=world["headers"], timeout=TIMEOUT)
    assert kept.json()["version"] == 0


def token_of_length(make_token, length: int, tenant: str) -> str:
    """A correctly signed token exactly `length` characters long (padded with a claim)."""
    base = len(make_token(tenants=[tenant], pad=""))
    estimate = (length - base) * 3 // 4
    for extra in range(estimate - 6, estimate + 6):
        token = make_token(tenants=[tenant], pad="p" * extra)
        if len(token) == length:
            return token
    raise AssertionError(f"no token of exactly {length} characters")


def test_a_token_of_16_kib_is_accepted_and_a_longer_one_is_refused_by_the_app(server, make_token):
    tenant = str(uuid.uuid4())
    url = server.url(f"/tenantintegrations?tenant={tenant}")
    largest = token_of_length(make_token, MAX_TOKEN_LENGTH, tenant)
    accepted = requests.get(url, headers={"Authorization": f"Bearer {largest}"}, timeout=TIMEOUT)
    assert accepted.status_code == 200, accepted.text
    longer = token_of_length(make_token, MAX_TOKEN_LENGTH + 1, tenant)
    refused = requests.get(url, headers={"Authorization": f"Bearer {longer}"}, timeout=TIMEOUT)
    assert refused.status_code == 401
    assert refused.json()["type"] == "urn:tenant-config:problem:invalid-token"


def test_a_header_line_over_20_kib_is_431(server):
    line = "Authorization: Bearer "
    fits = {"Authorization": "Bearer " + "a" * (20 * 1024 - len(line) - 2)}
    response = requests.get(server.url("/tenantintegrations"), headers=fits, timeout=TIMEOUT)
    assert response.status_code == 401
    too_long = {"Authorization": "Bearer " + "a" * (20 * 1024 - len(line) - 1)}
    response = requests.get(server.url("/tenantintegrations"), headers=too_long, timeout=TIMEOUT)
    assert response.status_code == 431
    assert response.json()["type"] == "urn:tenant-config:problem:headers-too-large"


@pytest.mark.parametrize("odd", ["%00", "%ED%A0%80", "%FF", "%C0%AF"])
@pytest.mark.parametrize(
    "template",
    [
        "/connectors/BIGCOMMERCE_OSERIES/partnertenants/p{odd}/configs",
        "/connectors/BIGCOMMERCE{odd}/partnertenants/p/configs",
        "/tenantintegrations?name=a{odd}",
        "/tenantintegrations{odd}",
    ],
)
def test_odd_bytes_in_the_url_are_400_through_gunicorn(server, world, template, odd):
    url = server.url(template.format(odd=odd))
    response = requests.get(url, headers=world["headers"], timeout=TIMEOUT)
    assert response.status_code == 400, response.text
    assert response.headers["Content-Type"] == "application/problem+json"


def test_a_double_slash_never_redirects_to_the_host_header(server, world):
    for path in (f"{world['configs']}//", world["configs"].replace("/configs", "//configs")):
        response = requests.get(
            server.url(path),
            headers=world["headers"] | {"Host": "evil.example"},
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        assert response.status_code == 404, path
        assert "Location" not in response.headers
