"""The admin UI audited by axe-core (WCAG 2.1 A/AA and best practices), and worked by keyboard only.

axe-core is vendored under vendor/ (see its README): nothing is downloaded at test time.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.ui.browser.support import CONNECTOR, Timings, contrast, login

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
RULESETS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
DARK_RULES = {"type": "rule", "values": ["color-contrast"]}
BLOCKING = ("serious", "critical")


class Audit:
    """Run axe on the pages a test reaches and keep what it found, by page."""

    def __init__(self, page: Page):
        self.page = page
        self.violations: dict[str, list[dict]] = {}

    def check(self, name: str) -> None:
        """Audit the page as it stands now, in light and in dark colours (Pico follows the OS)."""
        expect(self.page.locator("body.htmx-settling, body.htmx-swapping")).to_have_count(0)
        if not self.page.evaluate("typeof axe !== 'undefined'"):
            self.page.add_script_tag(path=AXE)
        # Only colours change with the scheme: dark is checked for contrast alone.
        for scheme, rules in (("dark", DARK_RULES), ("light", RULESETS)):
            self.page.emulate_media(color_scheme=scheme)
            self.violations[f"{name}, {scheme}"] = self.page.evaluate(
                "(options) => axe.run(document, options).then((result) => result.violations)",
                {"runOnly": rules, "resultTypes": ["violations"]},
            )

    def blocking(self) -> list[str]:
        """Describe each serious or critical violation: page, rule, impact and where."""
        return [
            f"{name}: {found['id']} ({found['impact']}): {found['help']}; "
            + " | ".join(
                f"{node['target']}: {node['failureSummary']}" for node in found["nodes"][:3]
            )
            for name, violations in self.violations.items()
            for found in violations
            if found["impact"] in BLOCKING
        ]

    def summary(self) -> str:
        """Return one line counting the lesser (moderate, minor) violations by rule."""
        lesser = Counter(
            f"{found['id']} ({found['impact']})"
            for violations in self.violations.values()
            for found in violations
            if found["impact"] not in BLOCKING
        )
        counted = ", ".join(f"{rule} on {n} page(s)" for rule, n in sorted(lesser.items()))
        return f"axe, {len(self.violations)} pages: moderate/minor: {counted or 'none'}"


@pytest.fixture
def audited_page(browser: Browser, browser_context_args, browser_log) -> Iterator[Page]:
    """Open a page where axe may be injected, watched for errors as `page` is."""
    # The pages' CSP (script-src 'self') refuses an injected script: this context ignores it,
    # for the audit only; the other browser tests keep the CSP on.
    # Reduced motion stops Pico's colour transitions, which axe would measure half-way through.
    context = browser.new_context(**browser_context_args, bypass_csp=True, reduced_motion="reduce")
    opened = context.new_page()
    browser_log.watch(opened, Timings())
    yield opened
    context.close()


def test_every_main_page_passes_axe_without_serious_violations(
    audited_page: Page, tenant, create_integration, create_config, report_instance, browser_log
):
    page = audited_page
    here = create_integration(tenant, name="a11y-shop", connector=CONNECTOR)
    there = create_integration(tenant, name="a11y-shop-staging", connector=CONNECTOR)
    create_config(here, name="defaultSellerTaxCode", group="reportingConfigs", value="STC-01")
    create_config(here, name="oseriesPassword", group="credentials", value="pa55-w0rd")
    create_config(here, name="messageLogRetentionDays", group="messageLogConfigs", value="30")
    create_config(there, name="defaultSellerTaxCode", group="reportingConfigs", value="STC-02")
    create_config(there, name="defaultConsumerTaxCode", group="reportingConfigs", value="CTC")
    report_instance(
        tenant, here["partnerTenant"], "shop-worker-2", "rejected", reason="bad URL"
    )  # stale by the end
    shown = f"/ui/integrations/{here['id']}"
    audit = Audit(page)

    page.goto("/ui/login")
    audit.check("login (development)")
    login(page, tenants=[tenant])
    expect(page.locator("#results")).to_contain_text("a11y-shop-staging")
    audit.check("integrations list")
    page.goto("/ui/integrations/new")
    audit.check("new integration form")
    page.goto(shown)
    expect(page.locator("#missing-required")).to_be_visible()
    audit.check("integration page")

    page.goto(f"{shown}/configs/new?name=messageLogEnabled")
    expect(page.get_by_role("switch", name=re.compile(r"^On"))).to_be_visible()
    audit.check("add form, boolean")
    page.goto(f"{shown}/configs/new?name=bigcommerceAccessToken")
    expect(page.get_by_label(re.compile(r"^Value"))).to_have_attribute("type", "password")
    audit.check("add form, secret")
    page.goto(f"{shown}/configs/new?name=taxCommitMode")
    audit.check("add form, enum")
    page.get_by_label(re.compile(r"^Value")).select_option("ON_ORDER")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#messages")).to_contain_text("taxCommitMode")
    page.goto(f"{shown}/configs/new?name=shopNote")
    page.get_by_label(re.compile(r"^Value")).fill("eu store")
    browser_log.expect(r"status of 422 .*/configs/new(\?name=shopNote)?\)$")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("The config has no group")
    audit.check("form with validation errors")

    page.goto(shown)
    page.get_by_role("link", name="Edit taxCommitMode").click()
    expect(page.get_by_label(re.compile(r"^Value"))).to_have_value("ON_ORDER")
    audit.check("config edit form")
    meanwhile = page.context.new_page()
    meanwhile.goto(page.url)
    meanwhile.get_by_label(re.compile(r"^Value")).select_option("ON_SHIPMENT")
    meanwhile.get_by_role("button", name="Save").click()
    expect(meanwhile.locator("#messages")).to_contain_text("Saved taxCommitMode")
    meanwhile.close()
    page.get_by_label(re.compile(r"^Value")).select_option("ON_INVOICE")
    browser_log.expect(r"status of 409 .*/configs/[^/]+/edit\)$")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Someone else changed this config")
    audit.check("conflict")

    page.goto(shown)
    history = page.get_by_role("link", name="History of taxCommitMode").get_attribute("href")
    page.goto(f"{history}?from=0")
    expect(page.locator("#diff .diff-new")).to_have_text("ON_SHIPMENT")
    audit.check("history with a diff")

    page.goto(shown)
    page.get_by_role("link", name="Delete messageLogRetentionDays").click()
    audit.check("delete confirmation")
    page.get_by_role("button", name="Delete messageLogRetentionDays").click()
    expect(page.locator("#messages")).to_contain_text("Deleted messageLogRetentionDays")
    page.goto(f"{shown}/deleted")
    expect(page.locator("#deleted")).to_contain_text("messageLogRetentionDays")
    audit.check("deleted configs")
    page.goto(f"{shown}/as-of")
    audit.check("point in time")

    page.goto(f"{shown}/compare?with={there['id']}")
    expect(page.locator("#different")).to_contain_text("defaultSellerTaxCode")
    audit.check("compare with differences")
    page.locator("#only-there").get_by_label("defaultConsumerTaxCode").check()
    page.get_by_role("button", name="Copy selected from a11y-shop-staging to a11y-shop").click()
    expect(page.locator("#created")).to_contain_text("defaultConsumerTaxCode")
    audit.check("copy result")

    report_instance(tenant, here["partnerTenant"], "shop-worker-1", "applied")
    page.goto(f"{shown}/instances")
    expect(page.locator("#results")).to_contain_text("2 instances reported")
    expect(page.locator("#results .latest")).to_be_visible()
    audit.check("instances")

    page.set_viewport_size({"width": 375, "height": 800})  # config tables become cards
    page.goto(shown)
    audit.check("integration page, narrow screen")

    missing = uuid.uuid4()
    browser_log.expect(rf"status of 404 .*/ui/integrations/{missing}\)$")
    page.goto(f"/ui/integrations/{missing}")
    audit.check("error page (404)")

    print(audit.summary())
    assert audit.blocking() == []


FOCUS_RING = """() => {
  const ring = getComputedStyle(document.activeElement);
  const page = getComputedStyle(document.documentElement).backgroundColor;
  return [ring.outlineStyle, parseFloat(ring.outlineWidth), ring.outlineColor, page];
}"""


def tab_to(page: Page, target: Locator, *, key: str = "Tab", limit: int = 40) -> None:
    """Press `key` until `target` has the focus; every element passed must show a focus ring."""
    for _ in range(limit):
        page.keyboard.press(key)
        focused = page.evaluate("document.activeElement.outerHTML.slice(0, 80)")
        style, width, colour, background = page.evaluate(FOCUS_RING)
        assert style != "none", f"no focus ring on {focused}"
        assert width >= 2, f"a focus ring thinner than 2px on {focused}"
        # WCAG 1.4.11: a focus indicator needs 3:1 against what surrounds it.
        assert contrast(colour, background) >= 3, f"faint focus ring on {focused}"
        if target.evaluate("(element) => element === document.activeElement"):
            return
    raise AssertionError(f"{key} x{limit} never reached {target}")


def add_with_keys(page: Page, name: str) -> None:
    """From the integration page, reach Add a config and type `name` with the keyboard only."""
    tab_to(page, page.get_by_role("button", name="Add a config"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Add a config", level=1)).to_be_visible()
    expect(page.locator("body.htmx-settling")).to_have_count(0)
    tab_to(page, page.get_by_label(re.compile(r"^Name")))
    page.keyboard.type(name)
    page.keyboard.press("Tab")  # leaving the field loads the definition's form; focus stays
    expect(page.locator("#config-form")).to_contain_text(f"Defined by {CONNECTOR}")
    expect(page.get_by_label("Group")).to_be_focused()


def test_the_integration_page_is_worked_with_the_keyboard_only(
    page: Page, tenant, create_integration
):
    create_integration(tenant, name="keyboard-shop", connector=CONNECTOR)
    login(page, tenants=[tenant])
    tab_to(page, page.locator("#results").get_by_role("link", name="keyboard-shop"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="keyboard-shop", level=1)).to_be_visible()

    add_with_keys(page, "messageLogEnabled")
    switch = page.get_by_role("switch", name=re.compile(r"^On"))
    tab_to(page, switch)
    page.keyboard.press("Space")
    expect(switch).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Save"))
    page.keyboard.press("Enter")
    expect(page.locator("#messages")).to_contain_text("messageLogEnabled")
    named = page.locator("tbody tr", has=page.locator("code", has_text="messageLogEnabled"))
    expect(named).to_contain_text("true")

    add_with_keys(page, "taxCommitMode")
    select = page.get_by_label(re.compile(r"^Value"))
    tab_to(page, page.get_by_role("button", name="Save"))
    tab_to(page, select, key="Shift+Tab")  # back from Save to the choice
    page.keyboard.press("ArrowDown")  # a closed select steps to its next option
    chosen = select.input_value()
    assert chosen != ""
    tab_to(page, page.get_by_role("button", name="Save"))
    page.keyboard.press("Enter")
    named = page.locator("tbody tr", has=page.locator("code", has_text="taxCommitMode"))
    expect(named).to_contain_text(chosen)
