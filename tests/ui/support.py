"""Signing a test client in to the admin UI, and reading what its pages hold."""

from __future__ import annotations

import re
from html import unescape

from flask import Flask
from flask.testing import FlaskClient

from tenant_config.ui.access import SESSION_KEY

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def signed_in_client(app: Flask, token: str) -> FlaskClient:
    """Return a test client whose UI session holds `token`, as a login would leave it."""
    client = app.test_client()
    with client.session_transaction() as session:
        session[SESSION_KEY] = token
    return client


def csrf_from(html: str | bytes) -> str:
    """Return the CSRF token a page's forms carry."""
    text = html.decode() if isinstance(html, bytes) else html
    match = _CSRF.search(text)
    assert match, "the page holds no form with a CSRF token"
    return unescape(match.group(1))


def text_of(html: str | bytes) -> str:
    """Return a page's visible text, tags stripped and spaces collapsed (for assertions)."""
    text = html.decode() if isinstance(html, bytes) else html
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", text)).split())
