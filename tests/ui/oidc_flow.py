"""Playing the browser through an OpenID Connect login: the app, the provider, the way back."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from flask.testing import FlaskClient

from tests.ui.support import text_of


def authorize(client: FlaskClient, next_page: str = "/ui/integrations") -> str:
    """Start a login in the app; return the provider's authorization URL it redirects to."""
    start = client.get("/ui/login/oidc", query_string={"next": next_page})
    assert start.status_code == 302, text_of(start.data)
    return start.headers["Location"]


def provider_answer(authorization_url: str) -> str:
    """Play the browser at the provider; return where it sends the browser back to."""
    answer = requests.get(authorization_url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def back_in_app(client: FlaskClient, location: str):
    """Follow the provider's redirect into the app (any host: the test client serves the path)."""
    parts = urlsplit(location)
    return client.get(parts.path, query_string=parts.query)
