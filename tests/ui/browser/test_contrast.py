"""Buttons keep readable text (WCAG 1.4.3, 4.5:1) at rest and under the pointer, light and dark.

axe audits what a page shows when it runs, so a button under the pointer was checked only when
the pointer happened to rest there; this test hovers every button on purpose.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.ui.browser.support import CONNECTOR, Timings, contrast, login

pytestmark = pytest.mark.browser

BUTTONS = "button:visible, [role=button]:visible, [type=submit]:visible"
# The colour of an element's text and of the first opaque background at or behind it.
COLOURS = """(element) => {
  let behind = element;
  while (behind && getComputedStyle(behind).backgroundColor.match(/^rgba\\(.*, 0\\)$/)) {
    behind = behind.parentElement;
  }
  const background = behind ? getComputedStyle(behind).backgroundColor : "rgb(255, 255, 255)";
  return [getComputedStyle(element).color, background, element.textContent.trim()];
}"""


@pytest.fixture
def still_page(browser: Browser, browser_context_args, browser_log) -> Iterator[Page]:
    """Open a page whose colours change at once (no transitions to measure half-way through)."""
    context = browser.new_context(**browser_context_args, reduced_motion="reduce")
    opened = context.new_page()
    browser_log.watch(opened, Timings())
    yield opened
    context.close()


def faint_buttons(page: Page, where: str) -> list[str]:
    """Hover each button of the page in both colour schemes; describe those under 4.5:1."""
    faint = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        buttons = page.locator(BUTTONS)
        assert buttons.count() > 0, f"no buttons on {where}"
        for index in range(buttons.count()):
            button = buttons.nth(index)
            for state in ("at rest", "hovered"):
                if state == "hovered":
                    button.hover()
                text, background, label = button.evaluate(COLOURS)
                ratio = contrast(text, background)
                if ratio < 4.5:
                    faint.append(f"{where}, {scheme}, {label!r} {state}: {ratio:.2f}:1")
            page.mouse.move(0, 0)
    return faint


def test_every_button_keeps_its_contrast_when_hovered(
    still_page: Page, tenant, create_integration, create_config
):
    page = still_page
    shop = create_integration(tenant, name="contrast-shop", connector=CONNECTOR)
    config = create_config(shop, name="taxCommitMode", group="reportingConfigs", value="ON_ORDER")
    shown = f"/ui/integrations/{shop['id']}"
    login(page, tenants=[tenant])

    faint = faint_buttons(page, "integrations list")
    page.goto(shown)
    expect(page.get_by_role("heading", name="contrast-shop", level=1)).to_be_visible()
    faint += faint_buttons(page, "integration page")
    page.goto(f"{shown}/configs/{config['id']}/edit")
    faint += faint_buttons(page, "config edit form")
    page.goto(f"{shown}/configs/{config['id']}/history")
    faint += faint_buttons(page, "history")
    page.goto(f"{shown}/delete")
    faint += faint_buttons(page, "delete integration")

    assert faint == []
