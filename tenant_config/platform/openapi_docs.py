"""What the generated OpenAPI must say beyond the views' own decorators."""

from __future__ import annotations

from http import HTTPStatus

from apispec import BasePlugin

from tenant_config.platform.pagination import PageArgsSchema

# Any secured operation: the body-size hook (413), the rate limit (429), an unexpected failure
# or an unreadable secret (500), the database (503).
SECURED = (413, 429, 500, 503)
# Operations with a request body: malformed JSON (400), not JSON (415), invalid fields (422).
WITH_BODY = (400, 415, 422)
# Templated paths: an id that does not parse (or a string too long) matches no route.
TEMPLATED = (404,)
# Every operation: a URL holding NUL or bytes that are not UTF-8 (400), and what gunicorn
# refuses before the app runs: a request line over 4 KiB (414), a header line over 20 KiB (431).
EVERY = (400, 414, 431)


class ErrorResponsesPlugin(BasePlugin):
    """Add the shared error responses, so the spec lists every status an operation answers."""

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        for operation in (operations or {}).values():
            statuses = list(EVERY)
            if operation.get("security"):
                statuses += SECURED
                if "requestBody" in operation:
                    statuses += WITH_BODY
                if path and "{" in path:
                    statuses += TEMPLATED
            responses = operation.setdefault("responses", {})
            for status in statuses:
                if status not in responses and str(status) not in responses:
                    responses[status] = HTTPStatus(status).name


def empty_list_args(_converter, field, ret: dict, **_kwargs) -> dict:
    """Say that list filters and paging may be sent empty (`?tenant=` means no filter)."""
    if ret["in"] == "query" and isinstance(field.parent, PageArgsSchema):
        return {"allowEmptyValue": True}
    return {}


def _link(path: str, method: str, **parameters: str) -> dict:
    """An OpenAPI link to the operation `method path`, with its parameters filled."""
    pointer = path.replace("~", "~0").replace("/", "~1")
    return {"operationRef": f"#/paths/{pointer}/{method}", "parameters": parameters}


_INTEGRATION = "/tenantintegrations/{integration_id}"
_CONFIGS = f"{_INTEGRATION}/configs"
_NEW_INTEGRATION = {"integration_id": "$response.body#/id"}
_NEW_CONFIG = {"integration_id": "$request.path.integration_id", "config_id": "$response.body#/id"}

# Where a client (or a stateful fuzzer) goes with what a 201 created.
INTEGRATION_CREATED_LINKS = {
    "readIntegration": _link(_INTEGRATION, "get", **_NEW_INTEGRATION),
    "replaceIntegration": _link(_INTEGRATION, "put", **_NEW_INTEGRATION),
    "deleteIntegration": _link(_INTEGRATION, "delete", **_NEW_INTEGRATION),
    "createConfig": _link(_CONFIGS, "post", **_NEW_INTEGRATION),
    "listConfigs": _link(_CONFIGS, "get", **_NEW_INTEGRATION),
    "listVersions": _link(f"{_CONFIGS}/versions", "get", **_NEW_INTEGRATION),
}
CONFIG_CREATED_LINKS = {
    "readConfig": _link(f"{_CONFIGS}/{{config_id}}", "get", **_NEW_CONFIG),
    "replaceConfig": _link(f"{_CONFIGS}/{{config_id}}", "put", **_NEW_CONFIG),
    "deleteConfig": _link(f"{_CONFIGS}/{{config_id}}", "delete", **_NEW_CONFIG),
    "listVersions": _link(
        f"{_CONFIGS}/versions", "get", integration_id="$request.path.integration_id"
    ),
}
