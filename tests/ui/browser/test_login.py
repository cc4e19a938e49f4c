"""The development login in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.ui.browser.support import login, screenshot

pytestmark = pytest.mark.browser


def test_development_login_lands_on_the_integrations_page(page: Page, tenant, create_integration):
    for name, connector in (
        ("acme-ariba-eu", "ARIBA2_OSERIES"),
        ("acme-bigcommerce-us", "BIGCOMMERCE_OSERIES"),
        ("acme-saptax-de", "SAPTAX_OSERIES"),
    ):
        create_integration(tenant, name=name, connector=connector, tenantName="Acme Corp")
    page.goto("/ui/integrations")
    expect(page).to_have_url(re.compile(r"/ui/login\?next=/ui/integrations$"))
    expect(page.get_by_role("heading", name="Development login")).to_be_visible()
    screenshot(page, "login")

    login(page, tenants=[tenant])

    expect(page).to_have_url(re.compile(r"/ui/integrations$"))
    expect(page.get_by_role("heading", name="Integrations", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Signed in with a development token.")
    for name in ("acme-ariba-eu", "acme-bigcommerce-us", "acme-saptax-de"):
        expect(page.get_by_role("link", name=name)).to_be_visible()
    expect(page.get_by_text("3 integrations")).to_be_visible()
    screenshot(page, "integrations")
