"""The connector definition files: the three shipped under `definitions/`, or an operator's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from marshmallow import ValidationError

from tenant_config.connectors.schemas import ConnectorFileSchema

SHIPPED = Path(__file__).resolve().parent / "definitions"


class DefinitionFileError(ValueError):
    """A definition file cannot be read, or does not describe a sound connector."""


def read_definition(path: Path) -> dict[str, Any]:
    """Return the connector a YAML or JSON file defines, checked as the API checks a write."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeError, yaml.YAMLError) as error:
        raise DefinitionFileError(f"{path}: cannot be read ({error})") from None
    if not isinstance(document, dict):
        raise DefinitionFileError(f"{path}: must hold one connector (a mapping)")
    try:
        return ConnectorFileSchema().load(document)
    except ValidationError as error:
        raise DefinitionFileError(f"{path}: {error.messages}") from None


def shipped_definitions() -> list[dict[str, Any]]:
    """Return the connectors that ship with the service, by code."""
    return [read_definition(path) for path in sorted(SHIPPED.glob("*.yaml"))]
