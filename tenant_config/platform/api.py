"""flask-smorest's Api with problem documents for errors, in the code and in the OpenAPI."""

from __future__ import annotations

import http
import json
from pathlib import Path

import flask
import flask_smorest
import flask_swagger_ui
from flask import Flask, abort, request
from flask_smorest.utils import prepare_response
from webargs.flaskparser import FlaskParser

from tenant_config.platform import problem_responses, problems
from tenant_config.platform.openapi_docs import ErrorResponsesPlugin, empty_list_args
from tenant_config.platform.schemas import ProblemSchema
from tenant_config.platform.sizes import BODY_MAX_BYTES

RETRY_AFTER_DOC = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer", "minimum": 1},
    }
}
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SWAGGER_UI_ASSETS = Path(flask_swagger_ui.__file__).parent / "dist"


class Parser(FlaskParser):
    """webargs' parser, except that JSON nested past Python's recursion limit is a 400."""

    def _raw_load_json(self, req):
        try:
            return super()._raw_load_json(req)
        except RecursionError:
            raise json.JSONDecodeError("JSON nested too deeply", "[", 0) from None


class Blueprint(flask_smorest.Blueprint):
    """An API blueprint: our request parser, and JSON bodies only."""

    ARGUMENTS_PARSER = Parser()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.before_request(check_json_body)


def check_json_body() -> None:
    """Refuse oversized and non-JSON bodies before anything reads them."""
    if request.content_length is not None and request.content_length > BODY_MAX_BYTES:
        abort(413, "The request body is larger than 64 KiB.")
    has_body = bool(request.content_length) or "chunked" in request.headers.get(
        "Transfer-Encoding", ""
    )
    if request.method in BODY_METHODS and has_body and not request.is_json:
        abort(415, "The request body must be application/json.")


class Api(flask_smorest.Api):
    """Every error is `application/problem+json`; the spec says so too."""

    ERROR_SCHEMA = ProblemSchema
    # No catch-all `default`: each operation lists its errors, so a fuzzer can hold us to them.
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _init_spec(self, *, extra_plugins=None, **kwargs):
        plugins = [*(extra_plugins or ()), ErrorResponsesPlugin()]
        super()._init_spec(extra_plugins=plugins, **kwargs)
        self.ma_plugin.converter.add_parameter_attribute_function(empty_list_args)

    def handle_http_exception(self, error):
        return problem_responses.handle_http_exception(error)

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            content_type = self.DEFAULT_RESPONSE_CONTENT_TYPE
            if status >= 400:
                response["schema"] = ProblemSchema
                content_type = problems.PROBLEM_MEDIA_TYPE
            if status in (429, 503):
                response["headers"] = RETRY_AFTER_DOC
            prepare_response(response, self.spec, content_type)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Any other error", "schema": ProblemSchema}
        prepare_response(response, self.spec, problems.PROBLEM_MEDIA_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def api_config() -> dict:
    """Return flask-smorest's settings: spec at /openapi.json, docs at /docs, assets offline."""
    return {
        "API_TITLE": "Connector Tenant Configuration API",
        "API_VERSION": "0.1.0",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        "OPENAPI_SWAGGER_UI_URL": "/docs/assets/",
        "API_SPEC_OPTIONS": {
            "info": {
                "description": "Per-tenant configuration for enterprise integration connectors: "
                "versioned with optimistic locking, with an append-only history, sensitive values "
                "encrypted at rest, every call checked against OAuth2 scopes and tenant claims.",
            },
            "components": {
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
                }
            },
        },
    }


def register_docs_assets(app: Flask) -> None:
    """Serve Swagger UI's files from the installed package (works offline)."""
    assets = flask.Blueprint(
        "docs_assets",
        __name__,
        static_folder=str(SWAGGER_UI_ASSETS),
        static_url_path="/docs/assets",
    )
    app.register_blueprint(assets)
