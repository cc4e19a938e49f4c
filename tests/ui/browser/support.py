"""Helpers of the browser tests: Debian's Chromium, the development login, what the browser saw."""

from __future__ import annotations

import os
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.sync_api import ConsoleMessage, Page, Request, expect

from tenant_config.ui.login import DEV_SCOPES
from tests.support.paths import REPO

# The real binary first: Debian's /usr/bin/chromium wrapper works too but prints a /dev/shm check.
CHROMIUM_BINARIES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
)
INSTALL_HINT = (
    "Debian's Chromium is not installed, so the browser tests are skipped: "
    "apt-get install -y chromium fonts-liberation (`make test` does it when run as root)"
)
SCREENSHOTS = REPO / "docs" / "screenshots"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
DEFAULT_SCOPES = tuple(scope for scope, ticked in DEV_SCOPES if ticked)
# The shipped connector whose definitions hold a boolean, an enum and secrets.
CONNECTOR = "BIGCOMMERCE_OSERIES"


def chromium_binary() -> str | None:
    """Return the path of Debian's Chromium, or None when it is not installed."""
    return next((path for path in CHROMIUM_BINARIES if os.access(path, os.X_OK)), None)


def login(
    page: Page,
    *,
    tenants: list[str],
    scopes: tuple[str, ...] = DEFAULT_SCOPES,
    subject: str | None = None,
) -> None:
    """Sign in through the development login form as a user would: by its labels."""
    page.goto("/ui/login")
    if subject is not None:
        page.get_by_label("Who you are").fill(subject)
    page.get_by_label(re.compile(r"^Tenants you may see")).fill(" ".join(tenants))
    for scope, _ticked in DEV_SCOPES:
        page.get_by_label(scope, exact=True).set_checked(scope in scopes)
    page.get_by_role("button", name="Sign in (development)").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def screenshot(page: Page, name: str) -> None:
    """Write docs/screenshots/<name>.png (full page) when TENANT_CONFIG_SCREENSHOTS=1."""
    if os.environ.get("TENANT_CONFIG_SCREENSHOTS") == "1":
        # caret="hide" would leave style="" on inputs, which htmx copies on its next swap,
        # and the page's CSP (no inline style) then reports it as a console error.
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True, caret="initial")


@dataclass
class BrowserLog:
    """What went wrong in a page (console errors, uncaught errors, failed requests)."""

    problems: list[str] = field(default_factory=list)
    # Console errors a test expects, such as the 404 of a page it opens to see the error page.
    expected: list[re.Pattern] = field(default_factory=list)

    def watch(self, page: Page, timings: Timings) -> None:
        """Record the page's problems and the time each of its navigations took."""
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught: {error}"))
        page.on("requestfailed", self._failed)
        page.on("requestfinished", timings.record)

    def expect(self, pattern: str) -> None:
        """Allow console errors matching `pattern` (a regular expression) in this test."""
        self.expected.append(re.compile(pattern))

    def unexpected(self) -> list[str]:
        """Return the problems no test expected."""
        return [p for p in self.problems if not any(e.search(p) for e in self.expected)]

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.problems.append(f"console: {message.text} ({message.location.get('url')})")

    def _failed(self, request: Request) -> None:
        self.problems.append(f"request failed: {request.method} {request.url} {request.failure}")


@dataclass
class Timings:
    """How long the server took to answer each page and htmx request, by method and path."""

    answers: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    def record(self, request: Request) -> None:
        """Keep the time from sending `request` to the end of its answer."""
        if request.resource_type in ("document", "fetch", "xhr"):
            took = request.timing["responseEnd"]
            if took >= 0:
                path = UUID.sub("<id>", urlsplit(request.url).path)
                key = f"{request.method} {path}"
                self.answers[key].append(took)

    def lines(self) -> list[str]:
        """Describe the answers' times, one line per method and path."""
        return [
            f"{key}: {len(times)}x, median {statistics.median(times):.0f} ms, "
            f"max {max(times):.0f} ms"
            for key, times in sorted(self.answers.items())
        ]


def row(page: Page, name: str):
    """Return the integration page's table row of the config `name`."""
    named = page.locator("td > strong, td > code", has_text=re.compile(rf"^{name}$"))
    return page.locator("tbody tr", has=named)


def open_integration(page: Page, name: str) -> None:
    """Go to the integrations list and open `name` by its link."""
    main_menu = page.get_by_role("navigation", name="Main")
    main_menu.get_by_role("link", name="Integrations", exact=True).click()
    page.locator("#results").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()


def settled(page: Page, heading: str) -> None:
    """Wait for the page titled `heading` and for htmx to have wired its new content."""
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
    # htmx attaches its triggers to swapped content when the body stops settling (~20 ms).
    expect(page.locator("body.htmx-settling")).to_have_count(0)


def contrast(colour: str, background: str) -> float:
    """Return the WCAG contrast of a CSS rgb()/rgba() colour, blended by its alpha, on another."""

    def luminance(rgb: list[float]) -> float:
        linear = [c / 3294.6 if c <= 10.03 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    *shade, alpha = [*map(float, re.findall(r"[\d.]+", colour)), 1.0][:4]
    behind = [float(c) for c in re.findall(r"[\d.]+", background)[:3]]
    shown = [alpha * c + (1 - alpha) * b for c, b in zip(shade, behind, strict=True)]
    lighter, darker = sorted((luminance(shown), luminance(behind)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
