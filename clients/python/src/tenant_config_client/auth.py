"""Bearer tokens: OAuth2 client credentials through Authlib, or a token provider of the caller's."""

from __future__ import annotations

import logging
import threading
import warnings
from collections.abc import Callable, Generator
from typing import Any, Protocol, runtime_checkable

import httpx
from authlib.integrations.base_client import OAuthError

with warnings.catch_warnings():
    # Authlib 1.9 steers httpx users to "httpx2", which this package does not use (yet): the
    # warning would print on every `tcfg` run and in every connector's log.
    warnings.filterwarnings("ignore", "The httpx module is deprecated", DeprecationWarning)
    from authlib.integrations.httpx_client import OAuth2Client

from tenant_config_client.errors import AuthenticationError, UnavailableError

log = logging.getLogger("tenant_config_client")

TokenProvider = Callable[[], str]


@runtime_checkable
class Invalidating(Protocol):
    """A token provider that can forget its token, so that the next call fetches a new one."""

    def invalidate(self) -> None:
        """Forget the cached token."""


class ClientCredentials:
    """Fetch tokens by the client credentials grant; keep each until shortly before it expires."""

    def __init__(
        self,
        token_endpoint: str,
        client_id: str,
        client_secret: str,
        *,
        scope: str | None = None,
        leeway: float = 30.0,
        timeout: float = 10.0,
    ):
        self.token_endpoint = token_endpoint
        self.leeway = leeway
        self._lock = threading.Lock()
        self._oauth = OAuth2Client(
            client_id,
            client_secret,
            scope=scope,
            token_endpoint=token_endpoint,
            grant_type="client_credentials",
            timeout=timeout,
        )

    def __call__(self) -> str:
        """The cached access token, fetched anew when it is missing or about to expire."""
        with self._lock:
            token = self._oauth.token
            # is_expired is None when the endpoint gave no lifetime: kept until a 401 then.
            if not token or token.is_expired(leeway=int(self.leeway)):
                token = self._fetch()
            return str(token["access_token"])

    def invalidate(self) -> None:
        """Forget the cached token (the service refused it)."""
        with self._lock:
            self._oauth.token = None

    def close(self) -> None:
        """Close the connections to the token endpoint."""
        self._oauth.close()

    def _fetch(self) -> Any:  # Authlib's OAuth2Token
        log.debug("fetching a token from %s", self.token_endpoint)
        try:
            token = self._oauth.fetch_token(self.token_endpoint, grant_type="client_credentials")
        except OAuthError as error:
            # The error code and description only: they name no secret.
            raise AuthenticationError(
                f"the token endpoint refused the client credentials: {error.error}"
                f" {error.description or ''}".rstrip()
            ) from None
        except (httpx.HTTPStatusError, ValueError) as error:
            raise UnavailableError(f"the token endpoint failed: {error}") from error
        return token


class BearerAuth(httpx.Auth):
    """Send the provider's token; on a 401, ask for a new one and send the request once more."""

    def __init__(self, tokens: TokenProvider, on_refresh: Callable[[], None] | None = None):
        self._tokens = tokens
        self._on_refresh = on_refresh

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Authorize the request, and retry it once with a fresh token if it is refused."""
        request.headers["Authorization"] = f"Bearer {self._tokens()}"
        response = yield request
        if response.status_code != 401:
            return
        log.info("the service refused the token (401); fetching a new one")
        if isinstance(self._tokens, Invalidating):
            self._tokens.invalidate()
        if self._on_refresh:
            self._on_refresh()
        request.headers["Authorization"] = f"Bearer {self._tokens()}"
        yield request
