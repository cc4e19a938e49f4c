"""The API's URLs for the rows tests create, and reading a config's history through the API."""

from __future__ import annotations

from flask.testing import FlaskClient


def configs_url(integration: dict, config: dict | None = None) -> str:
    """The configs collection of `integration`, or the URL of one `config` in it."""
    base = f"/tenantintegrations/{integration['id']}/configs"
    return f"{base}/{config['id']}" if config else base


def history(client: FlaskClient, headers: dict, integration: dict, config: dict) -> list[dict]:
    """The history rows of `config`, oldest first."""
    query = "?pageSort=version,ASC&pageSize=100"
    answer = client.get(f"{configs_url(integration)}/versions{query}", headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return [row for row in answer.get_json()["content"] if row["tenantConfig"] == config["id"]]


def lookup_url(integration: dict) -> str:
    """The connector lookup of `integration`'s connector and partner tenant."""
    return (
        f"/connectors/{integration['connector']}/partnertenants/"
        f"{integration['partnerTenant']}/configs"
    )


def instance_url(integration: dict, instance: str) -> str:
    """The report route of one instance of `integration`'s connector and partner tenant."""
    return lookup_url(integration).removesuffix("/configs") + f"/instances/{instance}"


def instances_url(integration: dict) -> str:
    """The list of the instances that reported for `integration`."""
    return f"/tenantintegrations/{integration['id']}/instances"
