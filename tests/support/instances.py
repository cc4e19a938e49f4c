"""Reading the lookup's ETag, reporting instances and listing them, for the instance tests."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.support.urls import instance_url, instances_url, lookup_url

MAP_QUERY = "effective=true&format=map"  # what a report's `query` is when left out


def lookup_etag(client: FlaskClient, headers: dict, integration: dict, query=MAP_QUERY) -> str:
    """The ETag the lookup answers this caller for `query` (the typed, effective map by default)."""
    response = client.get(lookup_url(integration), query_string=query, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.headers["ETag"]


def report(client: FlaskClient, headers: dict, integration: dict, instance: str, etag: str, **body):
    """PUT a report of `instance` (applied, unless `status` says otherwise)."""
    body = {"etag": etag, "status": "applied"} | body
    return client.put(instance_url(integration, instance), json=body, headers=headers)


def listed(client: FlaskClient, headers: dict, integration: dict, query="") -> dict[str, dict]:
    """The instances listed for `integration`, by instance id."""
    response = client.get(instances_url(integration), query_string=query, headers=headers)
    assert response.status_code == 200, response.get_json()
    return {entry["instance"]: entry for entry in response.get_json()["content"]}
