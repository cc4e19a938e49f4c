"""Hand-made tokens that a well-behaved library would refuse to write, and a fake JWKS endpoint."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from tests.support.tokens import AUDIENCE, ISSUER, SigningKey


def b64(data: bytes) -> str:
    """Base64url without padding, as JWS wants it."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    """Decode base64url without padding."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def claims(**overrides) -> dict:
    """A valid claim set; a claim set to None is removed."""
    now = int(time.time())
    values = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "user-1",
        "iat": now,
        "exp": now + 600,
        "scope": "ConnTenantConfigApi:TenantIntegration:Read",
        "tenants": [],
    } | overrides
    return {k: v for k, v in values.items() if v is not None}


def encode(part: dict | bytes) -> str:
    """Encode one token part; bytes go as they are, so tests can send odd JSON."""
    raw = part if isinstance(part, bytes) else json.dumps(part).encode()
    return b64(raw)


def sign_rs256(key: SigningKey, header: dict | bytes, payload: dict | bytes) -> str:
    """RS256-sign exactly these header and payload bytes (no checks on what they hold)."""
    signing_input = f"{encode(header)}.{encode(payload)}"
    signature = key.key.private_key.sign(
        signing_input.encode(), padding.PKCS1v15(), hashes.SHA256()
    )
    return f"{signing_input}.{b64(signature)}"


def sign_hs256(secret: bytes, header: dict, payload: dict) -> str:
    """HMAC-sign a token with `secret` (the key-confusion attack uses the public key)."""
    signing_input = f"{encode(header)}.{encode(payload)}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


class FakeIdP:
    """A local HTTP server that serves a JWKS document and counts the requests it gets.

    `mode` chooses the answer: "ok", "500", "invalid-json", "redirect", "hang", "huge".
    """

    def __init__(self, keys: list[SigningKey]):
        self.keys = keys
        self.extra: list[dict] = []
        self.mode = "ok"
        self.hang_seconds = 2.0
        self.requests = 0
        self.paths: list[str] = []
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                idp.requests += 1
                idp.paths.append(self.path)
                idp.answer(self)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/jwks"

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        """Write the answer that `mode` asks for."""
        body = json.dumps({"keys": [k.public_jwk for k in self.keys] + self.extra}).encode()
        status, headers = 200, {"Content-Type": "application/json"}
        if self.mode == "500":
            status, body = 500, b"oops"
        elif self.mode == "invalid-json":
            body = b'{"keys": [ not json'
        elif self.mode == "redirect":
            status, body = 302, b""
            headers["Location"] = f"http://127.0.0.1:{self.server.server_address[1]}/elsewhere"
        elif self.mode == "huge":
            body = b" " * (5 * 1024 * 1024)
        elif self.mode == "hang":
            time.sleep(self.hang_seconds)
        elif self.mode == "drip":
            self._drip(handler, body)
            return
        try:
            handler.send_response(status)
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
        except OSError:
            pass  # the client gave up waiting, as it should

    def _drip(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        """Send the body a byte at a time, each well within a socket timeout."""
        try:
            handler.send_response(200)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            for i in range(len(body)):
                handler.wfile.write(body[i : i + 1])
                handler.wfile.flush()
                time.sleep(0.05)
        except OSError:
            pass

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()
