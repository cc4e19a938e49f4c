"""The requests of each case (tokens, ETags, paths), and change waits held open meanwhile."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

import requests

from bench.seed import CONNECTOR, Target
from bench.stack import Keys
from bench.wrk import request_line
from tenant_config.platform.preconditions import etag_for
from tenant_config.platform.scopes import CONFIG_READ, CONFIG_WRITE

TIMEOUT = (2, 30)


def by_integration(targets: Iterable[Target]) -> list[Target]:
    """One target per integration (its first plain config)."""
    seen: dict = {}
    for target in targets:
        seen.setdefault(target.integration_id, target)
    return list(seen.values())


def lookup_path(target: Target, query: str = "") -> str:
    path = f"/connectors/{CONNECTOR}/partnertenants/{quote(target.partner_tenant)}/configs"
    return f"{path}?{query}" if query else path


class Tokens:
    """A connector's token per partner tenant (partner_tenants claim, read scope), and an
    application's token per tenant (tenants claim, read and write), signed once."""

    def __init__(self, keys: Keys):
        self.keys = keys
        self.read: dict[str, str] = {}
        self.write: dict[str, str] = {}

    def reader(self, target: Target) -> str:
        pt = target.partner_tenant
        if pt not in self.read:
            self.read[pt] = self.keys.token(
                f"connector-{pt}", [CONFIG_READ], partner_tenants=[f"{CONNECTOR}:{pt}"]
            )
        return self.read[pt]

    def writer(self, target: Target) -> str:
        if target.tenant not in self.write:
            self.write[target.tenant] = self.keys.token(
                f"app-{target.tenant}", [CONFIG_READ, CONFIG_WRITE], tenants=[target.tenant]
            )
        return self.write[target.tenant]


def fetch(base_url: str, path: str, token: str, **headers: str) -> requests.Response:
    return requests.get(
        base_url + path,
        headers={"Authorization": f"Bearer {token}", **headers},
        timeout=TIMEOUT,
    )


def lookup_lines(tokens: Tokens, targets: list[Target], query: str = "") -> list[str]:
    return [
        request_line("GET", lookup_path(t, query), Authorization=f"Bearer {tokens.reader(t)}")
        for t in targets
    ]


def lookup_etags(base_url: str, tokens: Tokens, targets: list[Target]) -> dict[str, str]:
    """The current ETag of each target's lookup (fetched, and checked to hold 20 configs)."""
    etags = {}
    for target in targets:
        answer = fetch(base_url, lookup_path(target), tokens.reader(target))
        if answer.status_code != 200 or len(answer.json()["content"]) != 20:
            raise RuntimeError(f"lookup of {target.partner_tenant}: {answer.status_code}")
        etags[target.partner_tenant] = answer.headers["ETag"]
    return etags


def revalidate_lines(tokens: Tokens, targets: list[Target], etags: dict[str, str]) -> list[str]:
    return [
        request_line(
            "GET",
            lookup_path(t),
            Authorization=f"Bearer {tokens.reader(t)}",
            If_None_Match=etags[t.partner_tenant],
        )
        for t in targets
    ]


def by_id_lines(tokens: Tokens, targets: list[Target]) -> list[str]:
    path = "/tenantintegrations/{}/configs/{}"
    return [
        request_line(
            "GET",
            path.format(t.integration_id, t.config_id),
            Authorization=f"Bearer {tokens.reader(t)}",
        )
        for t in targets
    ]


def list_lines(tokens: Tokens, targets: list[Target]) -> list[str]:
    return [
        request_line(
            "GET",
            f"/tenantintegrations/{t.integration_id}/configs?pageSize=20",
            Authorization=f"Bearer {tokens.reader(t)}",
        )
        for t in targets
    ]


def update_lines(tokens: Tokens, targets: list[Target]) -> list[str]:
    """updates.lua's lines: each config with the ETag of its version as seeded."""
    return [
        "\t".join(
            (
                f"/tenantintegrations/{t.integration_id}/configs/{t.config_id}",
                tokens.writer(t),
                f'"{etag_for(t.config_id, t.version)}"',
                t.group,
                t.name,
            )
        )
        for t in targets
    ]
