"""Lists: pageSort, pageSize, pageNumber, filters, stable order and bad query parameters."""

from __future__ import annotations

import pytest

from tests.support.routes import sql_statements


@pytest.fixture
def five(integration, new_config) -> tuple[str, list[dict]]:
    """Five configs in two groups, created in order (so updatedAt grows)."""
    names = ["delta", "alpha", "echo", "charlie", "bravo"]
    configs = [new_config(name=n, group="g1" if i % 2 else "g2") for i, n in enumerate(names)]
    return f"/tenantintegrations/{integration['id']}/configs", configs


def names(response) -> list[str]:
    return [row["name"] for row in response.get_json()["content"]]


def test_default_order_is_updated_at_descending(client, headers, five):
    url, configs = five
    response = client.get(url, headers=headers)
    assert names(response) == [c["name"] for c in reversed(configs)]
    assert response.get_json()["page"] == {
        "number": 0,
        "size": 20,
        "totalElements": 5,
        "totalPages": 1,
    }


def test_sort_by_one_and_two_fields(client, headers, five):
    url, _ = five
    assert names(client.get(f"{url}?pageSort=name", headers=headers)) == [
        "alpha",
        "bravo",
        "charlie",
        "delta",
        "echo",
    ]
    response = client.get(f"{url}?pageSort=group,DESC&pageSort=name,desc", headers=headers)
    assert names(response) == ["echo", "delta", "bravo", "charlie", "alpha"]


def test_pages_walk_through_every_row_once(client, headers, five):
    url, configs = five
    seen = []
    for number in range(3):
        page = client.get(f"{url}?pageSize=2&pageNumber={number}&pageSort=name", headers=headers)
        body = page.get_json()
        assert body["page"] == {
            "number": number,
            "size": 2,
            "totalElements": 5,
            "totalPages": 3,
        }
        seen += names(page)
    assert sorted(seen) == sorted(c["name"] for c in configs)
    beyond = client.get(f"{url}?pageSize=2&pageNumber=9", headers=headers).get_json()
    assert beyond["content"] == []
    assert beyond["page"]["totalElements"] == 5


@pytest.mark.parametrize(
    ("query", "rows", "counted"),
    [
        ("", 5, False),  # the last (only) page knows its total: no count
        ("pageSize=5", 5, False),  # a page exactly full, and nothing after it
        ("pageSize=2&pageNumber=2", 1, False),
        ("pageSize=2", 2, True),  # more follow: counted
        ("pageSize=2&pageNumber=9", 0, True),  # beyond the end: counted
    ],
)
def test_the_total_is_right_and_counted_only_when_more_rows_follow(
    app, client, headers, five, query, rows, counted
):
    url, _ = five
    with sql_statements(app) as statements:
        body = client.get(f"{url}?{query}", headers=headers).get_json()
    assert len(body["content"]) == rows
    assert body["page"]["totalElements"] == 5
    assert any("count(" in statement.lower() for statement, _ in statements) is counted


def test_ties_are_broken_by_id(client, headers, five):
    url, configs = five
    response = client.get(f"{url}?pageSort=version&pageSize=100", headers=headers)
    assert [r["id"] for r in response.get_json()["content"]] == sorted(c["id"] for c in configs)


def test_filters(client, headers, five):
    url, _ = five
    assert names(client.get(f"{url}?group=g1&pageSort=name", headers=headers)) == [
        "alpha",
        "charlie",
    ]
    assert names(client.get(f"{url}?name=echo", headers=headers)) == ["echo"]
    assert names(client.get(f"{url}?name=nothing", headers=headers)) == []


def test_empty_parameters_mean_the_default(client, headers, five):
    url, _ = five
    response = client.get(f"{url}?pageSize=&pageNumber=&pageSort=", headers=headers)
    assert response.status_code == 200
    assert response.get_json()["page"]["size"] == 20


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("pageSize=0", "pageSize"),
        ("pageSize=101", "pageSize"),
        ("pageSize=ten", "pageSize"),
        ("pageNumber=-1", "pageNumber"),
        ("pageNumber=99999999999999999999", "pageNumber"),
        ("pageSort=secret,ASC", "pageSort"),
        ("pageSort=name,UP", "pageSort"),
        ("pageSort=name,ASC,extra", "pageSort"),
        # An item too long and another unknown: errors by index and for the whole list.
        (f"pageSort={'x' * 101}&pageSort=secret", "pageSort"),
    ],
)
def test_bad_query_parameters_are_400_with_errors(client, headers, five, query, field):
    url, _ = five
    response = client.get(f"{url}?{query}", headers=headers)
    assert response.status_code == 400
    problem = response.get_json()
    assert response.mimetype == "application/problem+json"
    assert problem["type"] == "urn:tenant-config:problem:invalid-query"
    assert field in problem["errors"]


def test_integration_list_filters(client, headers, new_integration):
    first = new_integration(name="first", connector="ARIBA2_OSERIES")
    second = new_integration(name="second")
    for query, expected in [
        ("connector=ARIBA2_OSERIES", [first]),
        ("name=second", [second]),
        (f"partnerTenant={first['partnerTenant']}", [first]),
        (f"client={second['client']}", [second]),
        (f"tenant={first['tenant']}&pageSort=name", [first, second]),
    ]:
        response = client.get(f"/tenantintegrations?{query}", headers=headers)
        assert response.get_json()["content"] == expected, query
    assert client.get("/tenantintegrations?tenant=nope", headers=headers).status_code == 400
