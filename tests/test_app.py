"""The app's shape: API hooks stay on the API, light platform imports, the wheel's packages."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import flask
from werkzeug.exceptions import HTTPException

from tenant_config.app import create_app
from tests.support.paths import REPO
from tests.support.settings import make_settings


def test_a_page_blueprint_takes_form_posts_and_answers_html_errors(app, tmp_path, jwks_file):
    """A future server-rendered blueprint is not held to the API's JSON rules."""
    settings = make_settings(tmp_path, app.config["SQLALCHEMY_DATABASE_URI"], jwks_file)
    other = create_app(settings)
    pages = flask.Blueprint("pages", __name__, url_prefix="/pages")

    @pages.post("/form")
    def form():
        return f"<p>{flask.request.form['name']}</p>"

    @pages.get("/missing")
    def missing():
        flask.abort(404)

    @pages.errorhandler(HTTPException)
    def html_error(error):
        return f"<h1>{error.code}</h1>", error.code

    other.register_blueprint(pages)
    client = other.test_client()

    posted = client.post("/pages/form", data={"name": "x"})
    assert (posted.status_code, posted.mimetype, posted.text) == (200, "text/html", "<p>x</p>")
    error = client.get("/pages/missing")
    assert (error.status_code, error.mimetype, error.text) == (404, "text/html", "<h1>404</h1>")

    # The API keeps its rules: a form post is 415 and errors are problem documents.
    api = client.post("/tenantintegrations", data={"name": "x"})
    assert (api.status_code, api.mimetype) == (415, "application/problem+json")
    unknown = client.get("/nowhere")
    assert (unknown.status_code, unknown.mimetype) == (404, "application/problem+json")


def test_platform_modules_load_no_framework_token_library_or_metrics():
    """What gunicorn.conf.py and the migrations import stays light (checked in a fresh process)."""
    light = [
        "tenant_config.platform.settings",
        "tenant_config.platform.tenancy",
        "tenant_config.platform.claims",
        "tenant_config.platform.problems",
        "tenant_config.platform.errors",
        "tenant_config.platform.database",
        "tenant_config.platform.encryption.column",
        "tenant_config.operations.serving",
    ]
    heavy = ("flask_smorest", "authlib", "prometheus_client", "flask_cors")
    program = (
        "import importlib, sys\n"
        f"for name in {light!r}: importlib.import_module(name)\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy!r})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_wheel_lists_every_server_package_and_nothing_else():
    listed = set(
        tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    on_disk = {
        ".".join(init.parent.relative_to(REPO).parts)
        for init in (REPO / "tenant_config").rglob("__init__.py")
    }
    assert listed == on_disk
