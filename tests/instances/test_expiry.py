"""Entries expire when an instance stops reporting, and go with their integration."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from tenant_config.instances import service
from tenant_config.instances.models import InstanceReport
from tenant_config.platform.clock import utcnow
from tenant_config.platform.database import db
from tests.support.instances import listed, lookup_etag, report
from tests.support.problems import assert_problem
from tests.support.urls import instances_url


def stored(app, integration: dict) -> set[str]:
    """The instance ids the database holds for `integration`, expired or not."""
    with app.app_context():
        rows = db.session.scalars(
            select(InstanceReport.instance).where(
                InstanceReport.integration_id == uuid.UUID(integration["id"])
            )
        )
        return set(rows)


def stamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture
def later(monkeypatch):
    """Move the reports' clock forward by some hours."""

    def move(hours: float) -> None:
        monkeypatch.setattr(service, "utcnow", lambda: utcnow() + timedelta(hours=hours))

    return move


def test_an_instance_that_stops_reporting_expires_and_goes_at_the_next_report(
    app, client, headers, integration, later
):
    etag = lookup_etag(client, headers, integration)
    assert report(client, headers, integration, "gone", etag).status_code == 201
    later(23)
    assert set(listed(client, headers, integration)) == {"gone"}
    later(25)
    assert listed(client, headers, integration) == {}
    assert stored(app, integration) == {"gone"}  # no background job: kept until a report
    assert report(client, headers, integration, "alive", etag).status_code == 201
    assert stored(app, integration) == {"alive"}
    assert set(listed(client, headers, integration)) == {"alive"}


def test_an_expired_instance_reporting_again_is_new(client, headers, integration, later):
    etag = lookup_etag(client, headers, integration)
    assert report(client, headers, integration, "w", etag).status_code == 201
    later(25)
    again = report(client, headers, integration, "w", etag)
    assert again.status_code == 201
    assert again.get_json()["latest"] is True


def test_the_ttl_setting(make_app, headers, integration, later):
    client = make_app(instance_report_ttl_hours=1).test_client()
    etag = lookup_etag(client, headers, integration)
    entry = report(client, headers, integration, "w", etag).get_json()
    assert stamp(entry["expiresAt"]) - stamp(entry["reportedAt"]) == timedelta(hours=1)
    later(0.5)
    assert set(listed(client, headers, integration)) == {"w"}
    later(1.5)
    assert listed(client, headers, integration) == {}


def test_deleting_the_integration_deletes_its_entries(app, client, headers, integration):
    etag = lookup_etag(client, headers, integration)
    for instance in ("a", "b"):
        assert report(client, headers, integration, instance, etag).status_code == 201
    url = f"/tenantintegrations/{integration['id']}"
    assert client.delete(url, headers=headers).status_code == 204
    assert stored(app, integration) == set()
    assert_problem(client.get(instances_url(integration), headers=headers), 404)
    assert_problem(report(client, headers, integration, "a", etag), 404)
