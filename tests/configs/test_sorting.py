"""Sorting by `value`: sensitive configs sort as if empty, so the order never hints at a secret."""

from __future__ import annotations

import pytest

from tests.support.urls import configs_url as url


@pytest.mark.parametrize("reader", ["headers", "sensitive_headers"])
def test_sensitive_values_sort_as_empty_whatever_they_hold(
    request, client, integration, new_config, reader
):
    for name, value, sensitive in [
        ("b", "b", False),
        ("zero", "0", True),  # would sort first if the plaintext were used
        ("a", "a", False),
        ("zzz", "zzz", True),  # would sort last
    ]:
        new_config(name=name, value=value, sensitive=sensitive)
    headers = request.getfixturevalue(reader)

    def names(order: str) -> list[str]:
        query = {"pageSort": [f"value,{order}", "name,ASC"]}
        answer = client.get(url(integration), query_string=query, headers=headers)
        assert answer.status_code == 200, answer.get_json()
        return [row["name"] for row in answer.get_json()["content"]]

    assert names("ASC") == ["zero", "zzz", "a", "b"]
    assert names("DESC") == ["b", "a", "zero", "zzz"]
