"""Forms and queries read as the API's requests, and the problems shown beside their fields."""

from __future__ import annotations

from typing import Any

from flask import request
from marshmallow import Schema, ValidationError

from tenant_config.platform.errors import DomainError
from tenant_config.platform.preconditions import Expectation
from tenant_config.platform.problems import VALIDATION_FAILED
from tenant_config.platform.schemas import ChangeReason
from tenant_config.platform.tracing import trace_id


class FormRefused(Exception):
    """A form the API would refuse: the page shows `problem` and the fields' messages."""

    def __init__(self, problem: dict[str, Any]):
        super().__init__(problem["detail"])
        self.problem = problem

    @property
    def status(self) -> int:
        return self.problem["status"]

    @property
    def errors(self) -> dict:
        return self.problem.get("errors") or {}


def query_args() -> dict[str, Any]:
    """Return the request's query as a mapping the list schemas load (pageSort repeats)."""
    return {
        key: request.args.getlist(key) if key == "pageSort" else request.args[key]
        for key in request.args
    }


def posted(names: tuple[str, ...], *, blank_is_none: tuple[str, ...] = ()) -> dict[str, Any]:
    """Return the posted fields `names` as a request body; blanks in `blank_is_none` are null."""
    body: dict[str, Any] = {}
    for name in names:
        if name not in request.form:
            continue
        # A toggle posts a hidden "false" before its checkbox's "true": the last one counts.
        value = request.form.getlist(name)[-1]
        body[name] = None if name in blank_is_none and not value.strip() else value
    return body


def load(schema: Schema, body: dict[str, Any]) -> dict[str, Any]:
    """Load `body` with the API's schema; raise FormRefused with its messages if it is invalid."""
    try:
        return schema.load(body)
    except ValidationError as error:
        raise FormRefused(invalid_fields(error.messages)) from None


def invalid_fields(errors: dict) -> dict[str, Any]:
    """Return the problem of a form whose fields are invalid."""
    return {
        "title": "Some fields are not valid",
        "status": VALIDATION_FAILED.status,
        "detail": "Correct the fields marked below; nothing was saved.",
        "errors": errors,
        "traceId": trace_id(),
    }


def refused(error: DomainError) -> FormRefused:
    """Return a service's refusal as a form problem (its fields' messages beside the fields)."""
    return FormRefused(
        {
            "title": error.problem.title,
            "status": error.problem.status,
            "detail": error.detail,
            "errors": error.errors or {},
            "traceId": trace_id(),
        }
    )


def based_on() -> Expectation:
    """Return the expectation of the version the form was based on (its hidden `version`)."""
    raw = request.form.get("version", "")
    if not raw.isascii() or not raw.isdigit():
        raise FormRefused(
            invalid_fields({"version": ["The form lost the version it was based on; reload it."]})
        )
    return Expectation(if_match=None, version=int(raw), required=True)


def reason() -> str | None:
    """Return the optional change reason posted, checked as the API checks it."""
    body = posted(("reason",), blank_is_none=("reason",))
    return load(_ReasonSchema(), body).get("reason")


class _ReasonSchema(Schema):
    reason = ChangeReason()
