"""Fixtures of the browser tests: the app served in development mode, Debian's Chromium, a page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tenant_config.app import create_app
from tenant_config.platform.database import db
from tenant_config.platform.settings import DEV_AUDIENCE, DEV_ISSUER
from tests.support.bodies import config_body, integration_body
from tests.support.in_process import served
from tests.support.needs import unavailable
from tests.support.settings import make_settings
from tests.ui.browser.support import (
    CHROMIUM_ARGS,
    CONNECTOR,
    INSTALL_HINT,
    BrowserLog,
    Timings,
    chromium_binary,
)

TIMINGS = Timings()


def pytest_collection_modifyitems(config, items) -> None:
    # The browser sees pages, not the database: once, on the README's `make run` database
    # (SQLite). Every page also runs on PostgreSQL through the test client (tests/ui/).
    here = str(Path(__file__).parent)
    chosen, dropped = [], []
    for item in items:
        on_postgres = "[postgresql" in item.nodeid or "-postgresql" in item.nodeid
        (dropped if on_postgres and str(item.path).startswith(here) else chosen).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = chosen


def pytest_terminal_summary(terminalreporter) -> None:
    if TIMINGS.answers:
        terminalreporter.section("admin UI answers seen by the browser")
        for line in TIMINGS.lines():
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args) -> dict:
    """Launch Debian's Chromium (Playwright's own download is not used)."""
    binary = chromium_binary()
    if binary is None:
        unavailable(INSTALL_HINT)
    return browser_type_launch_args | {"executable_path": binary, "args": list(CHROMIUM_ARGS)}


@pytest.fixture(scope="session")
def ui_server(app, database_url, tmp_path_factory) -> Iterator[str]:
    """Serve an app as `make run` builds it (development login included) on the test database."""
    instance = tmp_path_factory.mktemp("browser-instance")
    settings = make_settings(
        instance,
        database_url,
        instance / "dev-jwks.json",
        env="development",
        jwt_issuer=DEV_ISSUER,
        jwt_audience=DEV_AUDIENCE,
        secret_key="",  # development generates its own, as `make run` does
    )
    dev_app = create_app(settings)
    with served(dev_app) as url:
        yield url
    with dev_app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser_context_args(ui_server) -> dict:
    """Open pages of the served app in a desktop-sized window."""
    return {"base_url": ui_server, "viewport": {"width": 1280, "height": 800}}


@pytest.fixture
def browser_log() -> BrowserLog:
    return BrowserLog()


@pytest.fixture(autouse=True)
def _no_browser_errors(page: Page, browser_log: BrowserLog) -> Iterator[None]:
    """Fail a test whose pages logged an error, threw, or lost a request (CSP reports included)."""
    browser_log.watch(page, TIMINGS)
    yield
    assert browser_log.unexpected() == []


@pytest.fixture
def new_page(browser: Browser, browser_context_args, browser_log) -> Iterator[Callable[[], Page]]:
    """Open pages in browser contexts of their own (other users), watched as `page` is."""
    contexts = []

    def open_page() -> Page:
        contexts.append(browser.new_context(**browser_context_args))
        opened = contexts[-1].new_page()
        browser_log.watch(opened, TIMINGS)
        return opened

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def create_integration(client, make_token) -> Callable[..., dict]:
    """Create an integration of `tenant` through the API and return its JSON."""

    def create(tenant: str, **fields) -> dict:
        headers = {"Authorization": f"Bearer {make_token(tenants=[tenant])}"}
        body = integration_body(tenant) | fields
        response = client.post("/tenantintegrations", json=body, headers=headers)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return create


@pytest.fixture
def create_config(client, make_token) -> Callable[..., dict]:
    """Create a config in `integration` through the API and return its JSON."""

    def create(integration: dict, **fields) -> dict:
        headers = {"Authorization": f"Bearer {make_token(tenants=[integration['tenant']])}"}
        url = f"/tenantintegrations/{integration['id']}/configs"
        body = config_body(**({"label": None} | fields))
        response = client.post(url, json=body, headers=headers)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return create


@pytest.fixture
def report_instance(client, make_token) -> Callable[..., None]:
    """Report, as a connector instance would, that it applied or rejected the current lookup."""

    def report(tenant: str, partner_tenant: str, instance: str, status: str, **fields) -> None:
        headers = {"Authorization": f"Bearer {make_token(tenants=[tenant])}"}
        lookup = f"/connectors/{CONNECTOR}/partnertenants/{partner_tenant}"
        answer = client.get(f"{lookup}/configs?effective=true&format=map", headers=headers)
        etag = answer.headers["ETag"]
        body = {"etag": etag, "status": status} | fields
        answer = client.put(f"{lookup}/instances/{instance}", json=body, headers=headers)
        assert answer.status_code == 201, answer.get_json()

    return report
