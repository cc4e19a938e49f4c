"""The definition files that ship with the service, and the catalog the migration made of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tenant_config.connectors.catalog import SHIPPED, read_definition
from tenant_config.connectors.queries import find_connector
from tenant_config.parameters.models import DEFINITION_FIELDS
from tenant_config.parameters.queries import definitions_of

FILES = sorted(SHIPPED.iterdir())


def test_the_three_connectors_of_the_spec_ship():
    assert [path.name for path in FILES] == [
        "ARIBA2_OSERIES.yaml",
        "BIGCOMMERCE_OSERIES.yaml",
        "SAPTAX_OSERIES.yaml",
    ]


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_each_shipped_file_is_a_sound_connector_definition(path: Path):
    connector = read_definition(path)
    assert connector["code"] == path.stem
    assert connector["strict"] is False
    kinds = [parameter["type"] for parameter in connector["parameters"]]
    assert "boolean" in kinds
    assert "secret" in kinds
    assert any(parameter["default"] is not None for parameter in connector["parameters"])
    for parameter in connector["parameters"]:
        assert parameter["label"], parameter["name"]
        if parameter["type"] == "secret":
            assert parameter["default"] is None


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_the_migrated_database_holds_exactly_what_the_file_says(app, path: Path):
    document = read_definition(path)
    with app.app_context():
        connector = find_connector(document["code"])
        assert connector is not None
        assert (connector.display_name, connector.description, connector.strict) == (
            document["display_name"],
            document["description"],
            document["strict"],
        )
        stored = {name: p.definition() for name, p in definitions_of(document["code"]).items()}
    wanted = {
        parameter["name"]: {field: parameter[field] for field in DEFINITION_FIELDS}
        for parameter in document["parameters"]
    }
    assert stored == wanted
