"""What `tcfg` commands share: the transport, tokens, paging, and names resolved to ids."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from tenant_config_client.auth import ClientCredentials, TokenProvider
from tenant_config_client.backoff import Backoff
from tenant_config_client.cli.exits import INPUT, NOT_FOUND, CliError
from tenant_config_client.stats import Counters
from tenant_config_client.transport import Transport

PAGE_SIZE = 100


@dataclass(frozen=True)
class Login:
    """How `tcfg` gets its token: a file, client credentials, or an environment variable."""

    token: str | None = None
    token_file: Path | None = None
    token_url: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    scope: str | None = None

    def provider(self) -> TokenProvider:
        """The token provider these options name (the file and credentials before the variable)."""
        if self.token_file is not None:
            path = self.token_file
            return lambda: path.read_text(encoding="utf-8").strip()
        if self.token_url:
            if not self.client_id or not self.client_secret:
                raise CliError("--token-url needs --client-id and a client secret", INPUT)
            return ClientCredentials(
                self.token_url, self.client_id, self.client_secret, scope=self.scope
            )
        if self.token:
            token = self.token
            return lambda: token
        raise CliError(
            "no token: set TCFG_TOKEN (or the variable --token-env names), or give --token-file,"
            " or --token-url with --client-id and TCFG_CLIENT_SECRET",
            INPUT,
        )


@dataclass
class Config:
    """A config found by group and name: its id, and its latest state (None once deleted)."""

    id: str
    live: dict[str, Any] | None


class Session:
    """The service as the commands use it: JSON in and out, lists read to the end."""

    def __init__(self, url: str, login: Login, *, retries: int, timeout: float):
        self.url = url
        self.tokens = login.provider()
        self.backoff = Backoff(attempts=retries + 1)
        self.timeout = timeout
        self.transport = Transport(
            url, self.tokens, backoff=self.backoff, counters=Counters(), timeout=timeout
        )

    def call(self, method: str, path: str, **options: Any) -> Any:
        """Send one request; answer its JSON body (None for a 204)."""
        response = self.transport.send(method, path, **options)
        return response.json() if response.content else None

    def pages(self, path: str, params: dict[str, str] | None = None) -> Iterator[dict[str, Any]]:
        """Every item of a paged list, page after page."""
        number = 0
        while True:
            query = (params or {}) | {"pageSize": str(PAGE_SIZE), "pageNumber": str(number)}
            page = self.call("GET", path, params=query)
            yield from page["content"]
            number += 1
            if number >= page["page"]["totalPages"]:
                return

    def integration(self, reference: str) -> dict[str, Any]:
        """The integration with this id, or else with this exact name (which must be unique)."""
        if _is_uuid(reference):
            found: dict[str, Any] = self.call("GET", f"/tenantintegrations/{reference}")
            return found
        named = list(self.pages("/tenantintegrations", {"name": reference}))
        if not named:
            raise CliError(f"no integration is named {reference!r}", NOT_FOUND)
        if len(named) > 1:
            candidates = "\n".join(
                f"  {item['id']}  {item['connector']}  partner tenant {item['partnerTenant']}"
                for item in named
            )
            raise CliError(
                f"{len(named)} integrations are named {reference!r}; give one's id:\n{candidates}",
                INPUT,
            )
        return named[0]

    def find_config(self, integration: dict[str, Any], group: str, name: str) -> Config | None:
        """The config `group`/`name` of the integration, live or (for history) deleted, if any."""
        path = f"/tenantintegrations/{integration['id']}/configs"
        for item in self.pages(path, {"group": group, "name": name}):
            return Config(item["id"], item)
        for row in self.pages(f"{path}/versions", {"group": group, "name": name}):
            return Config(row["tenantConfig"], None)
        return None

    def config(self, integration: dict[str, Any], group: str, name: str) -> Config:
        """The config `group`/`name` of the integration, live or deleted; not found is an error."""
        found = self.find_config(integration, group, name)
        if found is None:
            raise CliError(
                f"integration {integration['name']!r} has no config {group}/{name}", NOT_FOUND
            )
        return found

    def config_path(self, integration: dict[str, Any], config: Config) -> str:
        """The route of one config."""
        return f"/tenantintegrations/{integration['id']}/configs/{quote(config.id, safe='')}"

    def close(self) -> None:
        """Close the connections (and the token endpoint's)."""
        self.transport.close()
        if isinstance(self.tokens, ClientCredentials):
            self.tokens.close()


def _is_uuid(reference: str) -> bool:
    try:
        uuid.UUID(reference)
    except ValueError:
        return False
    return True
