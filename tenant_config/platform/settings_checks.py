"""Reading TENANT_CONFIG_* values and checking them: every problem is collected, not the first."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from cryptography.fernet import Fernet
from limits import parse_many

RATELIMIT_STORAGE_SCHEMES = {"memory", "redis", "rediss", "redis+sentinel", "redis+cluster"}
PREFIX = "TENANT_CONFIG_"
_ORIGIN = re.compile(r"^https?://([a-z0-9.-]+|\[[0-9a-f:]+\])(:[0-9]{1,5})?$")
_CLAIM_NAME = re.compile(r"^[^\s\x00-\x1f\x7f]{1,255}$")
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


class ConfigurationError(Exception):
    """Settings are missing or malformed; the message names every variable concerned."""

    def __init__(self, *problems: str):
        self.problems = problems
        if len(problems) == 1:
            super().__init__(problems[0])
        else:
            listed = "\n".join(f"  - {problem}" for problem in problems)
            super().__init__(f"{len(problems)} settings are missing or malformed:\n{listed}")


class EnvReader:
    """Read TENANT_CONFIG_<NAME> variables; a malformed one is noted and its default returned."""

    def __init__(self, environ: Mapping[str, str]):
        self.environ = environ
        self.problems: list[str] = []

    def text(self, name: str, default: str = "") -> str:
        """Return the variable, stripped; `default` when it is unset or empty."""
        return self.environ.get(PREFIX + name, "").strip() or default

    def integer(self, name: str, default: int) -> int:
        """Return a whole number that is not negative."""
        raw = self.text(name)
        if not raw:
            return default
        try:
            value = int(raw)
        except ValueError:
            self.problems.append(f"{PREFIX}{name} must be a whole number, not {raw!r}")
            return default
        if value < 0:
            self.problems.append(f"{PREFIX}{name} must not be negative")
            return default
        return value

    def boolean(self, name: str, default: bool) -> bool:
        """Return true or false (also 1/0, yes/no, on/off)."""
        raw = self.text(name).lower()
        if not raw:
            return default
        if raw in _TRUE | _FALSE:
            return raw in _TRUE
        self.problems.append(f"{PREFIX}{name} must be true or false, not {self.text(name)!r}")
        return default

    def items(self, name: str) -> tuple[str, ...]:
        """Return the comma-separated items, empty ones left out."""
        return tuple(item.strip() for item in self.text(name).split(",") if item.strip())


def ratelimit_problems(limit: str, storage_url: str) -> list[str]:
    """Name a limit or storage URL that the `limits` library cannot use."""
    problems = []
    try:
        parse_many(limit)
    except ValueError:
        problems.append(
            "TENANT_CONFIG_RATELIMIT must be in the `limits` notation, e.g. 50/second;2000/minute"
        )
    if storage_url and urlsplit(storage_url).scheme not in RATELIMIT_STORAGE_SCHEMES:
        problems.append("TENANT_CONFIG_RATELIMIT_STORAGE_URL must be a redis:// (or rediss://) URL")
    return problems


def origin_problems(origins: Iterable[str]) -> list[str]:
    """Name an origin that is not exactly `scheme://host[:port]`."""
    # Exact origins only: flask-cors would take `*` or other regex characters as a pattern.
    return [
        "TENANT_CONFIG_CORS_ORIGINS takes comma-separated origins such as "
        f"https://admin.example.com (no path, no wildcard), not {origin!r}"
        for origin in origins
        if not _ORIGIN.match(origin.lower())
    ]


def claim_name_problems(variable: str, names: Iterable[str]) -> list[str]:
    """Name a claim path that holds whitespace or control characters, or is too long."""
    return [
        f"TENANT_CONFIG_{variable} takes claim names of 1 to 255 characters without spaces or "
        f"control characters, not {name!r}"
        for name in names
        if not _CLAIM_NAME.match(name)
    ]


def fernet_problems(keys: tuple[str, ...], *, required: bool) -> list[str]:
    """Name a missing or malformed key list without ever echoing a key."""
    if required and not keys:
        return [
            "TENANT_CONFIG_FERNET_KEYS is required outside development: comma-separated Fernet "
            "keys, the first encrypts (make one: python -c 'from cryptography.fernet import "
            "Fernet; print(Fernet.generate_key().decode())')"
        ]
    problems = []
    for number, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            problems.append(
                f"TENANT_CONFIG_FERNET_KEYS: key {number} of {len(keys)} is not a Fernet key "
                "(32 url-safe base64-encoded bytes)"
            )
    return problems


def ui_login_problems(*, issuer: str, client_id: str, secret_key: str, development: bool) -> list:
    """Describe what the admin UI's OpenID Connect login lacks."""
    problems = []
    if not issuer.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        problems.append("TENANT_CONFIG_OIDC_ISSUER must be an https:// URL")
    if not client_id:
        problems.append("TENANT_CONFIG_OIDC_CLIENT_ID is required with TENANT_CONFIG_OIDC_ISSUER")
    if not development and len(secret_key) < 32:
        problems.append(
            "TENANT_CONFIG_SECRET_KEY (32 characters or more) is required outside development "
            "when the admin UI's login is configured (TENANT_CONFIG_OIDC_ISSUER)"
        )
    return problems
