"""flask-smorest's Api with problem documents for errors, in the code and in the OpenAPI."""

from __future__ import annotations

import functools
import http
import json
from pathlib import Path
from urllib.parse import unquote_to_bytes

import flask
import flask_smorest
import flask_swagger_ui
from flask import Flask, abort, current_app, request
from flask_smorest.utils import prepare_response
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import UnsupportedMediaType

from tenant_config.platform import problem_responses, problems
from tenant_config.platform.errors import InvalidQuery
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
JSON = "application/json"
MERGE_PATCH = "application/merge-patch+json"
# The one media type each method's body may have: a PATCH is an RFC 7396 merge patch.
BODY_MEDIA_TYPES = {"PATCH": MERGE_PATCH}
SWAGGER_UI_ASSETS = Path(flask_swagger_ui.__file__).parent / "dist"


class Parser(FlaskParser):
    """webargs' parser, except that JSON Python cannot hold (too deep, too long a number) is 400."""

    def _raw_load_json(self, req):
        try:
            return super()._raw_load_json(req)
        except RecursionError:
            raise json.JSONDecodeError("JSON nested too deeply", "[", 0) from None
        except ValueError as error:  # an integer over sys.get_int_max_str_digits() digits
            if isinstance(error, json.JSONDecodeError):
                raise
            raise json.JSONDecodeError("number too long", "0", 0) from None


class Blueprint(flask_smorest.Blueprint):
    """An API blueprint: our request parser, and JSON bodies only."""

    ARGUMENTS_PARSER = Parser()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.before_request(check_json_body)
        self.before_request(check_query)


def check_url() -> None:
    """Refuse a path or query that holds NUL or bytes that are not UTF-8 (no route can)."""
    path = request.environ.get("PATH_INFO", "")
    query = request.environ.get("QUERY_STRING", "")
    try:
        text = path.encode("latin-1").decode("utf-8") + unquote_to_bytes(query).decode("utf-8")
    except UnicodeError:
        abort(400, "The URL is not valid UTF-8.")
    if "\x00" in text:
        abort(400, "The URL must not contain NUL characters.")


def check_json_body() -> None:
    """Refuse oversized and non-JSON bodies before anything reads them."""
    if request.content_length is not None and request.content_length > BODY_MAX_BYTES:
        abort(413, "The request body is larger than 64 KiB.")
    has_body = bool(request.content_length)
    if (
        request.content_length is None
        and "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    ):
        # No length announced: Werkzeug stops reading at MAX_CONTENT_LENGTH without a word
        # (the rest would be cut off, not refused), so read it now and look for one byte more.
        body = request.get_data(cache=True)
        if len(body) >= BODY_MAX_BYTES and request.environ["wsgi.input"].read(1):
            abort(413, "The request body is larger than 64 KiB.")
        has_body = bool(body)
    expected = BODY_MEDIA_TYPES.get(request.method, JSON)
    # Not `request.is_json`: that takes any `+json` type, and a merge patch is no replacement.
    if request.method in BODY_METHODS and has_body and request.mimetype != expected:
        error = UnsupportedMediaType(f"The request body must be {expected}.")
        if request.method == "PATCH":
            error.data = {"headers": {"Accept-Patch": MERGE_PATCH}}  # RFC 5789, 2.2
        raise error


def check_query() -> None:
    """Refuse query parameters the operation does not define: a typo never widens an answer."""
    if request.method == "OPTIONS" or "access_token" in request.args:
        return  # a preflight does nothing; authentication refuses a token in the query
    view_class = getattr(current_app.view_functions[request.endpoint], "view_class", None)
    unknown = sorted(set(request.args) - query_parameters(view_class, request.method))
    if unknown:
        raise InvalidQuery(
            f"Unknown query parameter {unknown[0]!r}.",
            errors={name: ["Unknown query parameter."] for name in unknown},
        )


@functools.cache
def query_parameters(view_class: type | None, method: str) -> frozenset[str]:
    """Return the query parameters that the `method` operation of `view_class` declares."""
    handler = getattr(view_class, method.lower(), None)
    if handler is None and method == "HEAD":
        handler = getattr(view_class, "get", None)
    names: set[str] = set()
    for argument in getattr(handler, "_apidoc", {}).get("arguments", {}).get("parameters", []):
        if argument["in"] == "query":
            schema = argument["schema"]
            schema = schema() if isinstance(schema, type) else schema
            names |= {field.data_key or name for name, field in schema.load_fields.items()}
    return frozenset(names)


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
