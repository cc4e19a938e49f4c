"""Bad instance ids, bodies and queries of a report are clear problems, and store nothing."""

from __future__ import annotations

import pytest

from tests.support.instances import listed, lookup_etag, report
from tests.support.problems import assert_problem
from tests.support.urls import instance_url, instances_url

VALIDATION = "urn:tenant-config:problem:validation-failed"


@pytest.mark.parametrize("instance", ["a" * 129, "a%20b", "caf%C3%A9", ".", "..", "a@b"])
def test_an_instance_id_out_of_its_alphabet_is_422(client, headers, integration, instance):
    problem = assert_problem(report(client, headers, integration, instance, '"abc"'), 422)
    assert problem["type"] == VALIDATION
    assert "instance" in problem["errors"]
    assert listed(client, headers, integration) == {}


def test_the_longest_instance_id_and_every_allowed_character(client, headers, integration):
    etag = lookup_etag(client, headers, integration)
    for instance in ("a" * 128, "Az09._:-"):
        assert report(client, headers, integration, instance, etag).status_code == 201
    assert set(listed(client, headers, integration)) == {"a" * 128, "Az09._:-"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "applied"}, "etag"),
        ({"etag": '"abc"'}, "status"),
        ({"etag": '"abc"', "status": "done"}, "status"),
        ({"etag": "", "status": "applied"}, "etag"),
        ({"etag": 'a"b', "status": "applied"}, "etag"),
        ({"etag": "a b", "status": "applied"}, "etag"),
        ({"etag": 5, "status": "applied"}, "etag"),
        ({"etag": "abc", "status": "rejected", "reason": "x" * 1001}, "reason"),
        ({"etag": "abc", "status": "rejected", "reason": "bad\x00"}, "reason"),
        ({"etag": "abc", "status": "applied", "query": "nme=x"}, "query"),
        ({"etag": "abc", "status": "applied", "query": "format=map&pageSize=3"}, "query"),
        ({"etag": "abc", "status": "applied", "query": "effective=yes"}, "query"),
        ({"etag": "abc", "status": "applied", "query": "name=%FF"}, "query"),
        ({"etag": "abc", "status": "applied", "query": "x" * 2049}, "query"),
        ({"etag": "abc", "status": "applied", "instance": "w"}, "instance"),
    ],
)
def test_a_bad_body_is_422_naming_the_field(client, headers, integration, body, field):
    response = client.put(instance_url(integration, "w"), json=body, headers=headers)
    problem = assert_problem(response, 422)
    assert problem["type"] == VALIDATION
    assert field in problem["errors"], problem
    assert listed(client, headers, integration) == {}


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        (b'{"etag": "abc", "status": "applied"', "application/json", 400),
        (b'{"etag": "\xff", "status": "applied"}', "application/json", 400),
        (b"etag=abc&status=applied", "application/x-www-form-urlencoded", 415),
        (b"[]", "application/json", 422),
        (b"", "application/json", 422),
        (b'{"etag": "' + b"a" * 70_000 + b'", "status": "applied"}', "application/json", 413),
    ],
)
def test_a_body_that_is_not_a_json_object_is_a_problem(
    client, headers, integration, data, content_type, status
):
    url = instance_url(integration, "w")
    response = client.put(url, data=data, content_type=content_type, headers=headers)
    assert_problem(response, status)
    assert listed(client, headers, integration) == {}


def test_an_unknown_connector_or_partner_tenant_is_404(client, headers, integration):
    for unknown in (integration | {"connector": "NO_SUCH"}, integration | {"partnerTenant": "x"}):
        assert_problem(report(client, headers, unknown, "w", '"abc"'), 404)


def test_the_list_refuses_an_unknown_sort_and_an_unknown_integration(client, headers, integration):
    url = instances_url(integration)
    assert_problem(client.get(url, query_string="pageSort=latest", headers=headers), 400)
    assert_problem(client.get(url, query_string="status=done", headers=headers), 400)
    unknown = integration | {"id": "00000000-0000-4000-8000-000000000000"}
    assert_problem(client.get(instances_url(unknown), headers=headers), 404)


def test_the_list_pages_and_sorts(client, headers, integration):
    etag = lookup_etag(client, headers, integration)
    for instance in ("b", "c", "a"):
        assert report(client, headers, integration, instance, etag).status_code == 201
    url = instances_url(integration)
    page = client.get(url, query_string="pageSort=instance&pageSize=2", headers=headers)
    body = page.get_json()
    assert [entry["instance"] for entry in body["content"]] == ["a", "b"]
    assert body["page"] == {"number": 0, "size": 2, "totalElements": 3, "totalPages": 2}
    newest = client.get(url, headers=headers).get_json()["content"]
    assert [entry["instance"] for entry in newest] == ["a", "c", "b"]  # reportedAt,DESC
    repeat = client.get(url, headers=headers | {"If-None-Match": page_etag(client, headers, url)})
    assert repeat.status_code == 304


def page_etag(client, headers, url) -> str:
    return client.get(url, headers=headers).headers["ETag"]
