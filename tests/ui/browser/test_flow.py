"""The admin UI's whole flow in a real browser, worked as a user works it (labels, roles, keys).

The connector is the shipped BIGCOMMERCE_OSERIES: its catalog defines a boolean
(messageLogEnabled), an enum (taxCommitMode) and secrets (oseriesPassword, among others).
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.ui.browser.support import (
    CONNECTOR,
    login,
    open_integration,
    row,
    screenshot,
    settled,
)

pytestmark = pytest.mark.browser

MASK = "********"


def add_config(page: Page, name: str) -> None:
    """Open the add form and type a defined name: the form becomes its definition's."""
    page.get_by_role("button", name="Add a config").click()
    settled(page, "Add a config")
    page.get_by_label(re.compile(r"^Name")).fill(name)
    page.keyboard.press("Tab")  # leaving the field loads the definition's form
    expect(page.locator("#config-form")).to_contain_text(f"Defined by {CONNECTOR}")


def create_integration_in_the_form(page: Page, name: str) -> str:
    """Create an integration of CONNECTOR through the New integration form; return its partner."""
    partner_tenant = f"store-{uuid.uuid4().hex[:8]}"
    page.get_by_role("button", name="New integration").click()
    page.get_by_label(re.compile(r"^Name")).fill(name)
    page.get_by_label(re.compile(r"^Connector")).select_option(CONNECTOR)
    page.get_by_label(re.compile(r"^Client id")).fill(str(uuid.uuid4()))
    page.get_by_label(re.compile(r"^Partner tenant(?! name)")).fill(partner_tenant)
    page.get_by_label("Tenant name", exact=True).fill("Acme Corp")
    page.get_by_label("Partner tenant name", exact=True).fill("Acme shop (production)")
    page.get_by_role("button", name="Create").click()
    expect(page.locator("#messages")).to_contain_text(f"Created {name}.")
    return partner_tenant


def test_a_user_configures_an_integration_and_works_with_its_history(
    page: Page, tenant, create_integration, create_config, report_instance, browser_log
):
    staging = create_integration(tenant, name="acme-shop-staging", connector=CONNECTOR)
    create_config(staging, name="defaultSellerTaxCode", group="reportingConfigs", value="STC-01")
    theirs = create_integration(str(uuid.uuid4()), name="theirs-shop", connector=CONNECTOR)
    login(page, tenants=[tenant])
    expect(page.locator("#results")).not_to_contain_text("theirs-shop")

    partner_tenant = create_integration_in_the_form(page, "acme-shop-prod")
    missing = page.locator("#missing-required")
    expect(missing).to_contain_text("4 required parameters missing")

    add_config(page, "messageLogEnabled")
    switch = page.get_by_role("switch", name=re.compile(r"^On"))
    expect(switch).not_to_be_checked()  # the definition's default, false
    switch.check()
    page.get_by_role("button", name="Save").click()
    expect(row(page, "messageLogEnabled")).to_contain_text("true")

    add_config(page, "taxCommitMode")
    page.get_by_label(re.compile(r"^Value")).select_option("ON_SHIPMENT")
    page.get_by_role("button", name="Save").click()
    expect(row(page, "taxCommitMode")).to_contain_text("ON_SHIPMENT")

    missing.get_by_text("O Series Password").get_by_role("link", name="Add").click()
    expect(page.get_by_label(re.compile(r"^Value"))).to_have_attribute("type", "password")
    page.get_by_label(re.compile(r"^Value")).fill("s3cret-pass")
    page.get_by_label(re.compile(r"^Value")).press("Enter")
    expect(row(page, "oseriesPassword")).to_contain_text(MASK)
    expect(row(page, "oseriesPassword")).not_to_contain_text("s3cret-pass")
    expect(missing).to_contain_text("3 required parameters missing")

    # A free-form name needs a group: the refusal is told beside the field, with a trace id.
    page.get_by_role("button", name="Add a config").click()
    settled(page, "Add a config")
    page.get_by_label(re.compile(r"^Name")).fill("shopNote")
    page.keyboard.press("Tab")  # the form is fetched again for the name (a free-form one)
    expect(page).to_have_url(re.compile(r"/configs/new\?name=shopNote$"))
    expect(page.locator(".htmx-settling")).to_have_count(0)
    page.get_by_label(re.compile(r"^Value")).fill("eu store")
    browser_log.expect(r"status of 422 .*/configs/new\)$")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("The config has no group")
    expect(page.get_by_role("alert")).to_contain_text(re.compile(r"Trace id: \S+"))
    expect(page.locator("#group-error")).to_be_visible()
    expect(page.get_by_label("Group")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Group").fill("notes")
    page.get_by_role("button", name="Save").click()
    expect(row(page, "shopNote")).to_contain_text("eu store")
    screenshot(page, "integration")

    page.get_by_role("link", name="Edit taxCommitMode").click()
    expect(page.get_by_label(re.compile(r"^Value"))).to_have_value("ON_SHIPMENT")
    page.get_by_label(re.compile(r"^Value")).select_option("ON_ORDER")
    page.get_by_label("Reason for this change (optional)").fill("orders ship late")
    screenshot(page, "config-edit")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#messages")).to_contain_text("Saved taxCommitMode (version 1).")
    expect(row(page, "taxCommitMode")).to_contain_text("ON_ORDER")

    page.get_by_role("link", name="History of taxCommitMode").click()
    versions = page.locator("#timeline")
    expect(versions.locator("#version-1")).to_contain_text("orders ship late")
    page.get_by_label("From version").fill("0")
    page.get_by_label("From version").press("Enter")
    diff = page.locator("#diff")
    expect(diff).to_contain_text("Version 0 → version 1")
    expect(diff.locator(".diff-old")).to_have_text("ON_SHIPMENT")
    expect(diff.locator(".diff-new")).to_have_text("ON_ORDER")
    screenshot(page, "config-history")

    restore = versions.locator("#version-0").locator("details.restore")
    restore.locator("summary").click()
    restore.get_by_label(re.compile(r"^Reason")).fill("back to shipping")
    restore.locator("form").get_by_role("button", name="Restore this version").click()
    expect(page.locator("#messages")).to_contain_text(
        "Version 0 of taxCommitMode is now its latest, as version 2."
    )
    expect(versions.locator("#version-2")).to_contain_text("from version 0")
    open_integration(page, "acme-shop-prod")
    expect(row(page, "taxCommitMode")).to_contain_text("ON_SHIPMENT")

    page.get_by_role("link", name="Compare and copy").click()
    page.get_by_label("Compare with").select_option(
        label=f"acme-shop-staging · {CONNECTOR} · Partner of B"
    )
    page.get_by_role("button", name="Compare").click()
    expect(page.locator("#only-there")).to_contain_text("defaultSellerTaxCode")
    expect(page.locator("#only-here")).to_contain_text("taxCommitMode")
    picker = page.get_by_label("Compare with")
    expect(picker.locator("option", has_text="theirs-shop")).to_have_count(0)
    screenshot(page, "compare")
    page.locator("#only-there").get_by_label("defaultSellerTaxCode").check()
    copy = "Copy selected from acme-shop-staging to acme-shop-prod"
    page.get_by_role("button", name=copy).click()
    expect(page.locator("#created")).to_contain_text("defaultSellerTaxCode")
    page.get_by_role("link", name="Open acme-shop-prod").click()
    expect(row(page, "defaultSellerTaxCode")).to_contain_text("STC-01")

    page.get_by_role("link", name="Delete messageLogEnabled").click()
    page.get_by_label("Reason for this change (optional)").fill("too noisy")
    page.get_by_role("button", name="Delete messageLogEnabled").click()
    expect(page.locator("#messages")).to_contain_text("Deleted messageLogEnabled")
    expect(row(page, "messageLogEnabled")).to_have_count(0)
    page.get_by_role("link", name="Deleted configs").click()
    deleted = page.locator("#deleted")
    expect(deleted).to_contain_text("too noisy")
    deleted.locator("summary", has_text="Undelete").click()
    deleted.locator("form").get_by_role("button", name="Undelete").click()
    expect(page.locator("#messages")).to_contain_text("of messageLogEnabled is now its latest")
    open_integration(page, "acme-shop-prod")
    expect(row(page, "messageLogEnabled")).to_contain_text("true")

    page.get_by_role("link", name="Point in time").click()
    expect(page.locator("#as-of-instant")).to_contain_text("As at")
    expect(row(page, "taxCommitMode")).to_contain_text("ON_SHIPMENT")
    screenshot(page, "point-in-time")

    report_instance(tenant, partner_tenant, "shop-worker-1", "applied")
    report_instance(tenant, partner_tenant, "shop-worker-2", "rejected", reason="bad URL")
    open_integration(page, "acme-shop-prod")
    page.get_by_role("link", name="Connector instances").click()
    instances = page.locator("#results")
    expect(instances).to_contain_text("2 instances reported")
    expect(instances.locator("tr", has_text="shop-worker-2")).to_contain_text("bad URL")
    expect(instances.locator("tr", has_text="shop-worker-1").locator(".latest")).to_be_visible()
    screenshot(page, "instances")

    page.set_viewport_size({"width": 375, "height": 800})
    open_integration(page, "acme-shop-prod")
    overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the integration page scrolls sideways by {overflow}px"
    screenshot(page, "integration-narrow")

    browser_log.expect(rf"status of 404 .*/ui/integrations/{theirs['id']}\)$")
    answer = page.goto(f"/ui/integrations/{theirs['id']}")
    assert answer.status == 404
    expect(page.get_by_role("alert")).to_contain_text(re.compile(r"Trace id: \S+"))
    expect(page.locator("main")).not_to_contain_text("theirs-shop")
