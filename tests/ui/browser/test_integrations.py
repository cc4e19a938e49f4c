"""The integrations pages in a real browser: tenant isolation, keyboard use, a narrow screen."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.ui.browser.support import login

pytestmark = pytest.mark.browser


def test_a_tenant_never_sees_another_tenants_integration(
    page: Page, tenant, create_integration, browser_log
):
    mine = create_integration(tenant, name="ours-ariba")
    theirs = create_integration(str(uuid.uuid4()), name="theirs-ariba")
    login(page, tenants=[tenant])

    results = page.locator("#results")
    expect(results.get_by_role("link", name="ours-ariba")).to_be_visible()
    expect(results).not_to_contain_text("theirs-ariba")

    page.get_by_label("Search").fill("ariba")  # htmx searches as the user types
    expect(page).to_have_url(re.compile(r"/ui/integrations\?search=ariba(&|$)"))
    expect(results.get_by_role("link", name="ours-ariba")).to_be_visible()
    expect(results).not_to_contain_text("theirs-ariba")
    page.get_by_label("Search").fill("theirs")
    expect(results).to_contain_text("No integration matches.")

    page.get_by_role("link", name="Integrations").click()
    page.locator("#results").get_by_role("link", name="ours-ariba").click()
    expect(page.get_by_role("heading", name="ours-ariba")).to_be_visible()
    assert mine["id"] in page.url

    browser_log.expect(rf"status of 404 .*/ui/integrations/{theirs['id']}\)$")
    answer = page.goto(f"/ui/integrations/{theirs['id']}")
    assert answer.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not Found")
    expect(page.locator("main")).not_to_contain_text("theirs-ariba")


def test_tab_from_the_top_reaches_the_skip_link_then_the_search_box(page: Page, tenant):
    login(page, tenants=[tenant])
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["x"] >= 0, "the focused skip link is off screen"

    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Search")).to_be_focused()


def test_the_list_fits_a_narrow_screen(page: Page, tenant, create_integration):
    create_integration(tenant, name="a-long-integration-name-that-could-push-the-table-wide")
    page.set_viewport_size({"width": 375, "height": 700})
    login(page, tenants=[tenant])
    expect(page.get_by_role("heading", name="Integrations", level=1)).to_be_visible()
    overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
