"""Fixtures for operations tests: rate-limited apps."""

from __future__ import annotations

import uuid

import pytest


@pytest.fixture
def limited_app(make_app):
    """An app allowing 3 requests per minute per caller, in its own key space."""

    def build(**overrides):
        settings = {
            "ratelimit_enabled": True,
            "ratelimit": "3/minute",
            "ratelimit_key_prefix": f"tc-test-{uuid.uuid4().hex}",
        }
        return make_app(**settings | overrides)

    return build
