"""A pattern means what JSON Schema says it means, also where Python's `re` differs."""

from __future__ import annotations

import pytest

from tenant_config.parameters.rules import value_problems

CODE = {"type": "string", "pattern": "^[A-Z]{2}[0-9]+$"}


@pytest.mark.parametrize("value", ["AB1\n", "AB1\r\n", "ab1", "AB", "xAB1"])
def test_an_anchored_pattern_refuses_a_trailing_newline_and_other_misses(value):
    assert value_problems(CODE, value) == ["Must match the pattern ^[A-Z]{2}[0-9]+$."]


def test_an_anchored_pattern_accepts_a_match():
    assert value_problems(CODE, "AB123") == []


@pytest.mark.parametrize(
    ("pattern", "value", "fits"),
    [
        ("^sk_", "sk_live_1", True),  # unanchored at the end: a prefix is enough, as in JSON Schema
        ("^sk_", "pk_live_1", False),
        (r"^\$[0-9]+$", "$10", True),  # an escaped dollar is a character, not an anchor
        (r"^[$]+$", "$$", True),  # so is one in a class
        (r"^[$]+$", "$$\n", False),
    ],
)
def test_escaped_and_bracketed_dollars_stay_characters(pattern, value, fits):
    assert (value_problems({"type": "string", "pattern": pattern}, value) == []) is fits
