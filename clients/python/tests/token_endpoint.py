"""A tiny OAuth2 token endpoint on 127.0.0.1: client credentials in, tokens of the test key out."""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from tests.support.tokens import TokenFactory


class TokenEndpoint:
    """Answer the client credentials grant with signed access tokens lasting `ttl` seconds."""

    def __init__(self, make_token: TokenFactory, claims: dict, ttl: int = 600):
        self.make_token = make_token
        self.claims = claims
        self.ttl = ttl
        self.client_id = f"connector-{uuid.uuid4().hex[:8]}"  # its own rate-limit budget
        self.client_secret = uuid.uuid4().hex
        self.issued = 0
        self.refused_next = 0  # how many of the next tokens the service is to refuse
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/token"

    def __enter__(self) -> TokenEndpoint:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def issue(self, form: dict[str, list[str]], authorization: str) -> tuple[int, dict]:
        """The status and JSON answer to one token request."""
        expected = f"{self.client_id}:{self.client_secret}".encode()
        if authorization != f"Basic {base64.b64encode(expected).decode()}":
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") != ["client_credentials"]:
            return 400, {"error": "unsupported_grant_type"}
        with self._lock:
            self.issued += 1
            refused = self.refused_next > 0
            self.refused_next -= refused
        claims = {"email": None, "sub": self.client_id, "client_id": self.client_id}
        claims |= {"exp": int(time.time()) + self.ttl} | self.claims
        if refused:
            claims["aud"] = "another-service"  # well signed, but not for this service: a 401
        token = self.make_token(**claims)
        return 200, {"access_token": token, "token_type": "Bearer", "expires_in": self.ttl}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode())
                status, answer = endpoint.issue(form, self.headers.get("Authorization", ""))
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args) -> None:
                pass

        return Handler
