"""Two users in a real browser: a conflict resolved on top of the other's change, and a secret
masked for one and revealed for the other."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tenant_config.platform.scopes import CONFIG_READ_SENSITIVE
from tests.ui.browser.support import (
    CONNECTOR,
    DEFAULT_SCOPES,
    login,
    open_integration,
    row,
    screenshot,
)

pytestmark = pytest.mark.browser
MASK = "********"


def test_a_conflicting_edit_shows_both_values_and_saving_again_keeps_the_second(
    new_page, tenant, create_integration, create_config, browser_log
):
    integration = create_integration(tenant, name="acme-shop-conflict", connector=CONNECTOR)
    create_config(integration, name="taxCommitMode", group="accountingConfigs", value="ON_INVOICE")
    pages = []
    for who in ("alice@example.com", "bob@example.com"):
        pages.append(new_page())
        login(pages[-1], tenants=[tenant], subject=who)
        open_integration(pages[-1], "acme-shop-conflict")
        pages[-1].get_by_role("link", name="Edit taxCommitMode").click()
    alice, bob = pages

    alice.get_by_label(re.compile(r"^Value")).select_option("ON_ORDER")
    alice.get_by_role("button", name="Save").click()
    expect(alice.locator("#messages")).to_contain_text("Saved taxCommitMode (version 1).")

    browser_log.expect(r"status of 409 .*/configs/[^/]+/edit\)$")
    bob.get_by_label(re.compile(r"^Value")).select_option("ON_SHIPMENT")
    bob.get_by_role("button", name="Save").click()
    conflict = bob.get_by_role("alert")
    expect(conflict).to_contain_text("Someone else changed this config meanwhile")
    expect(conflict).to_contain_text("alice@example.com")
    value_row = conflict.locator("tr", has_text="Value")
    expect(value_row.locator(".diff-old")).to_have_text("ON_ORDER")
    expect(value_row.locator(".diff-new")).to_have_text("ON_SHIPMENT")
    expect(bob.get_by_label(re.compile(r"^Value"))).to_have_value("ON_SHIPMENT")
    screenshot(bob, "config-conflict")

    bob.get_by_role("button", name="Save again").click()
    expect(bob.locator("#messages")).to_contain_text("Saved taxCommitMode (version 2).")
    expect(row(bob, "taxCommitMode")).to_contain_text("ON_SHIPMENT")
    alice.reload()
    expect(row(alice, "taxCommitMode")).to_contain_text("ON_SHIPMENT")
    expect(row(alice, "taxCommitMode").get_by_role("cell").nth(2)).to_have_text("2")


def test_a_secret_is_masked_and_revealed_only_to_a_reader_of_secrets(
    new_page, tenant, create_integration, create_config
):
    integration = create_integration(tenant, name="acme-shop-secrets", connector=CONNECTOR)
    create_config(integration, name="oseriesPassword", group="credentials", value="pa55-w0rd")
    reader_of_secrets = (*DEFAULT_SCOPES, CONFIG_READ_SENSITIVE)
    for scopes, may_read in ((DEFAULT_SCOPES, False), (reader_of_secrets, True)):
        page = new_page()
        login(page, tenants=[tenant], scopes=scopes)
        open_integration(page, "acme-shop-secrets")
        secret = row(page, "oseriesPassword")
        expect(secret).to_contain_text(MASK)
        reveal = secret.get_by_role("button", name="Reveal the value of oseriesPassword")
        if may_read:
            reveal.click()
            expect(secret).to_contain_text("pa55-w0rd")
            expect(secret).not_to_contain_text(MASK)
        else:
            expect(reveal).to_have_count(0)
            page.get_by_role("link", name="Edit oseriesPassword").click()
            expect(page.get_by_label(re.compile(r"^Value"))).to_have_value(MASK)
            expect(page.get_by_role("button", name="Reveal the stored secret")).to_have_count(0)
            assert "pa55-w0rd" not in page.content()
