"""What to do when a test's real dependency (a PostgreSQL binary, Redis) is missing."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def unavailable(reason: str) -> NoReturn:
    """Skip for want of `reason` on a developer's machine; fail in CI, where every test runs."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI runs every test, so this is a failure, not a skip")
    pytest.skip(reason)
