"""The identity provider's signing keys: loaded from a file or URL, cached, refreshed with care."""

from __future__ import annotations

import json
import logging
import math
import threading
import time
import urllib.request
from pathlib import Path

from joserfc.jwk import KeySet

from tenant_config.platform.errors import DomainError, InvalidToken
from tenant_config.platform.problems import SERVICE_UNAVAILABLE

MAX_JWKS_BYTES = 1024 * 1024
FETCH_TIMEOUT_SECONDS = 3
ASYMMETRIC_KEY_TYPES = {"RSA", "EC", "OKP"}
log = logging.getLogger(__name__)


def _now() -> float:
    """The clock of the cache and the cooldown (tests replace it)."""
    return time.monotonic()


class KeysUnavailable(DomainError):
    problem = SERVICE_UNAVAILABLE


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect could point anywhere; the configured URL is the only source


_opener = urllib.request.build_opener(_NoRedirect)


def parse_jwks(raw: bytes) -> KeySet:
    """Parse a JWKS document, keeping the public asymmetric signing keys that can be used.

    Keys are imported one by one: IdPs publish keys this service cannot use (other curves,
    encryption keys), and one of those must not make every token fail.
    """
    document = json.loads(raw)
    entries = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise ValueError("the JWKS has no keys list")
    keys = []
    for entry in entries:
        if not (
            isinstance(entry, dict)
            and entry.get("kty") in ASYMMETRIC_KEY_TYPES
            and entry.get("use", "sig") == "sig"
            and "d" not in entry
        ):
            continue
        try:
            keys.extend(KeySet.import_key_set({"keys": [entry]}).keys)
        except Exception as exc:
            log.warning("skipped a JWKS key (kid %r): %s", entry.get("kid"), type(exc).__name__)
    if not keys:
        raise ValueError("the JWKS holds no usable public signing key")
    return KeySet(keys)


class KeySetCache:
    """Cache the key set; refresh it when stale, or on an unknown `kid` at most once per cooldown.

    A caller that cannot be served from the cache (no keys yet, or an unknown `kid`) waits for
    the load in flight instead of failing beside it; one load serves every caller waiting for it.
    A failed refresh keeps the keys already loaded, so an IdP hiccup does not lock callers out.
    """

    def __init__(self, settings):
        self.file = settings.jwks_file
        self.url = settings.jwks_url
        self.ttl = settings.jwks_cache_seconds
        self.cooldown = settings.jwks_refresh_cooldown_seconds
        self._keys: KeySet | None = None
        self._kids: frozenset[str] = frozenset()
        self._loaded_at = 0.0
        self._attempted_at = float("-inf")
        self._attempts = 0  # finished attempts: a waiter skips its own when one ended meanwhile
        self._lock = threading.Lock()

    def _fetch(self) -> bytes:
        if self.file:
            return Path(self.file).read_bytes()
        if not self.url.startswith(("https://", "http://")):
            raise ValueError("TENANT_CONFIG_JWKS_URL must be an http(s) URL")
        # A socket timeout bounds each read, not the whole download: an IdP that answers
        # slowly byte by byte would hold the request. The download runs beside it instead.
        outcome: dict = {}
        worker = threading.Thread(target=self._download, args=(outcome,), daemon=True)
        worker.start()
        worker.join(FETCH_TIMEOUT_SECONDS)
        if worker.is_alive():
            raise TimeoutError("the JWKS endpoint did not answer in time")
        if "error" in outcome:
            raise outcome["error"]
        return outcome["body"]

    def _download(self, outcome: dict) -> None:
        deadline = time.monotonic() + FETCH_TIMEOUT_SECONDS
        try:
            body = bytearray()
            with _opener.open(self.url, timeout=FETCH_TIMEOUT_SECONDS) as response:
                while chunk := response.read1(64 * 1024):
                    body += chunk
                    if len(body) > MAX_JWKS_BYTES:
                        raise ValueError("the JWKS document is too large")
                    if time.monotonic() > deadline:
                        raise TimeoutError("the JWKS endpoint answers too slowly")
            outcome["body"] = bytes(body)
        except Exception as exc:
            outcome["error"] = exc

    def _refresh(self) -> None:
        self._attempted_at = _now()
        try:
            keys = parse_jwks(self._fetch())
        except Exception as exc:
            log.warning("could not load the JWKS: %s", type(exc).__name__)
        else:
            self._keys = keys
            self._kids = frozenset(k.kid for k in keys.keys if k.kid)
            self._loaded_at = self._attempted_at
        self._attempts += 1

    def _refresh_once(self, *, wait: bool) -> None:
        """Refresh unless the cooldown forbids it or an attempt ended while this caller waited."""
        seen = self._attempts
        if not self._lock.acquire(blocking=wait):
            return  # a refresh is in flight and this caller can do with the keys it has
        try:
            if self._attempts == seen and _now() - self._attempted_at >= self.cooldown:
                self._refresh()
        finally:
            self._lock.release()

    def fresh(self) -> KeySet | None:
        """Return the loaded key set while it is younger than the cache's TTL, else None."""
        keys = self._keys
        return keys if keys is not None and _now() - self._loaded_at <= self.ttl else None

    def get(self, kid: str | None) -> KeySet:
        """Return the key set that should hold `kid`, refreshing it when that is worth a try."""
        unknown = self._keys is None or (kid is not None and kid not in self._kids)
        if unknown:
            self._refresh_once(wait=True)
        elif _now() - self._loaded_at > self.ttl:
            self._refresh_once(wait=False)
        if self._keys is None:
            raise KeysUnavailable(
                "The identity provider's signing keys are not available. Please try again later.",
                headers={"Retry-After": str(max(1, math.ceil(self.cooldown)))},
            )
        if kid is not None and kid not in self._kids:
            raise InvalidToken(
                "The access token is signed with an unknown key.",
                headers={"WWW-Authenticate": 'Bearer realm="tenant-config", error="invalid_token"'},
            )
        return self._keys
