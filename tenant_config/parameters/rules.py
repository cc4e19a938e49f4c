"""What a parameter definition allows: its JSON Schema, and the check of a stored string value.

Values are stored as strings (the spec's TenantConfig.value); a definition's type says how the
string reads (`"true"`, `"30"`, `"1.5"`, a JSON text), and the JSON Schema of the definition
checks the value so read. Messages never repeat the value: it may be a secret.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

_INTEGER = re.compile(r"-?[0-9]+")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
TEXT_TYPES = ("string", "secret", "url", "email")
NUMERIC_TYPES = ("integer", "number")

formats = FormatChecker(())


@formats.checks("uri")
def _is_url(text: object) -> bool:
    if not isinstance(text, str):
        return True
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in text


@formats.checks("email")
def _is_email(text: object) -> bool:
    return not isinstance(text, str) or _EMAIL.fullmatch(text) is not None


def json_schema(definition: Mapping[str, Any]) -> dict[str, Any]:
    """Return the JSON Schema a value of this definition satisfies, once read as its type."""
    kind = definition["type"]
    schema: dict[str, Any] = {}
    if kind in TEXT_TYPES:
        schema["type"] = "string"
        if kind == "url":
            schema["format"] = "uri"
        if kind == "email":
            schema["format"] = "email"
        if definition.get("pattern") is not None:
            schema["pattern"] = definition["pattern"]
        if definition.get("max_length") is not None:
            schema["maxLength"] = definition["max_length"]
    elif kind in NUMERIC_TYPES:
        schema["type"] = kind
        for bound in ("minimum", "maximum"):
            if definition.get(bound) is not None:
                schema[bound] = definition[bound]
    elif kind == "boolean":
        schema["type"] = "boolean"
    elif kind == "enum":
        schema["enum"] = list(definition.get("allowed_values") or ())
    if kind == "secret":
        schema["writeOnly"] = True
    for key, field in (("title", "label"), ("description", "description")):
        if definition.get(field):
            schema[key] = definition[field]
    if definition.get("default") is not None:
        schema["default"] = read_as(kind, definition["default"])
    return schema


def read_as(kind: str, text: str) -> Any:
    """Return `text` read as a value of type `kind`; raise ValueError saying what it must be."""
    if kind == "boolean":
        if text.lower() not in ("true", "false"):
            raise ValueError("Must be true or false.")
        return text.lower() == "true"
    if kind == "integer":
        if not _INTEGER.fullmatch(text):
            raise ValueError("Must be a whole number.")
        return int(text)
    if kind == "number":
        if not _NUMBER.fullmatch(text) or not math.isfinite(float(text)):
            raise ValueError("Must be a number.")
        return float(text)
    if kind == "json":
        try:
            return json.loads(text, parse_constant=_no_constant)
        except (ValueError, RecursionError):
            raise ValueError("Must be a JSON text.") from None
    return text


def typed(definition: Mapping[str, Any], text: str | None) -> Any:
    """Return a stored value as its definition's type, or as stored when it does not read so."""
    if text is None:
        return None
    try:
        return read_as(definition["type"], text)
    except ValueError:
        return text


def value_problems(definition: Mapping[str, Any], text: str | None) -> list[str]:
    """Return what is wrong with `text` as a value of this definition (empty when it fits)."""
    if text is None:
        return ["A value is required."] if definition.get("required") else []
    try:
        value = read_as(definition["type"], text)
    except ValueError as error:
        return [str(error)]
    schema = json_schema(definition)
    problems = []
    if (pattern := schema.pop("pattern", None)) is not None and not re.search(
        ecma_anchors(pattern), text
    ):
        problems.append(f"Must match the pattern {pattern}.")
    validator = Draft202012Validator(schema, format_checker=formats)
    return problems + [_message(error) for error in validator.iter_errors(value)]


def ecma_anchors(pattern: str) -> str:
    """Return `pattern` with each end anchor `$` as `\\Z`, so it matches as JSON Schema means.

    In JSON Schema (ECMA 262) `$` matches only at the end; Python's `$` also matches before a
    final newline, which would let "AB1\\n" through `^[A-Z]{2}[0-9]+$`.
    """
    out, escaped, in_class = [], False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "$" and not in_class:
            char = r"\Z"
        out.append(char)
    return "".join(out)


def _message(error: ValidationError) -> str:
    """Say what a value must be, without repeating the value."""
    expected = error.validator_value
    match error.validator:
        case "maxLength":
            return f"Longer than {expected} characters."
        case "enum":
            return f"Must be one of: {', '.join(map(str, expected))}."
        case "minimum":
            return f"Must be at least {_number(expected)}."
        case "maximum":
            return f"Must be at most {_number(expected)}."
        case "format":
            return "Must be an http(s) URL." if expected == "uri" else "Must be an email address."
    return f"Does not satisfy {error.validator}."


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def definition_problems(definition: Mapping[str, Any]) -> dict[str, list[str]]:
    """Return what is wrong with a definition, field by field (empty when it is sound)."""
    kind = definition["type"]
    problems: dict[str, list[str]] = {}
    fits = {
        "pattern": TEXT_TYPES,
        "max_length": TEXT_TYPES,
        "minimum": NUMERIC_TYPES,
        "maximum": NUMERIC_TYPES,
        "allowed_values": ("enum",),
    }
    for field, kinds in fits.items():
        if definition.get(field) is not None and kind not in kinds:
            problems[field] = [f"Applies to the types {', '.join(kinds)} only."]
    if kind == "enum" and not definition.get("allowed_values"):
        problems["allowed_values"] = ["An enum needs its allowed values."]
    if kind == "integer":
        for bound in ("minimum", "maximum"):
            if definition.get(bound) is not None and not float(definition[bound]).is_integer():
                problems.setdefault(bound, []).append("Must be a whole number for an integer.")
    low, high = definition.get("minimum"), definition.get("maximum")
    if low is not None and high is not None and low > high:
        problems["maximum"] = ["Must not be less than the minimum."]
    if definition.get("pattern") is not None:
        try:
            re.compile(definition["pattern"])
        except re.error:
            problems["pattern"] = ["Not a regular expression."]
    if problems or definition.get("default") is None:
        return problems
    if kind == "secret":
        problems["default"] = ["A secret has no default: each integration sets its own."]
    elif wrong := value_problems(definition, definition["default"]):
        problems["default"] = wrong
    return problems
