"""flask-smorest's Api with problem documents for errors, in the code and in the OpenAPI."""

from __future__ import annotations

import http
import json
from pathlib import Path

import flask
import flask_smorest
import flask_swagger_ui
from flask import Flask
from flask_smorest.utils import prepare_response
from webargs.flaskparser import FlaskParser

from tenant_config import errors, problems
from tenant_config.openapi_docs import ErrorResponsesPlugin, empty_list_args
from tenant_config.schemas import ProblemSchema

RETRY_AFTER_DOC = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer", "minimum": 1},
    }
}
SWAGGER_UI_ASSETS = Path(flask_swagger_ui.__file__).parent / "dist"


class Parser(FlaskParser):
    """webargs' parser, except that JSON nested past Python's recursion limit is a 400."""

    def _raw_load_json(self, req):
        try:
            return super()._raw_load_json(req)
        except RecursionError:
            raise json.JSONDecodeError("JSON nested too deeply", "[", 0) from None


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's blueprint with our request parser."""

    ARGUMENTS_PARSER = Parser()


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
        return errors.handle_http_exception(error)

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
