"""What the generated OpenAPI must say beyond the views' own decorators."""

from __future__ import annotations

from http import HTTPStatus

from apispec import BasePlugin

from tenant_config.pagination import PageArgsSchema

# Any secured operation: the body-size hook (413), the rate limit (429), the database (503).
SECURED = (413, 429, 503)
# Operations with a request body: malformed JSON (400), not JSON (415), invalid fields (422).
WITH_BODY = (400, 415, 422)
# Templated paths: an id that does not parse (or a string too long) matches no route.
TEMPLATED = (404,)


class ErrorResponsesPlugin(BasePlugin):
    """Add the shared error responses, so the spec lists every status an operation answers."""

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        for operation in (operations or {}).values():
            if not operation.get("security"):
                continue
            statuses = list(SECURED)
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
