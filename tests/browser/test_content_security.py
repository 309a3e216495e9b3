"""The page and the API docs under their Content-Security-Policy in Chromium: nothing is refused."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.helpers import AUTOGRAD_BASICS, open_playground, set_code, wait_for_graph

pytestmark = pytest.mark.browser

# Chromium reports each refusal as a securitypolicyviolation event and a console error.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
});
"""


def watch_console(page: Page) -> list[str]:
    problems: list[str] = []
    page.add_init_script(REPORT_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            problems.append(f"{message.text} {message.location.get('url', '')}") if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_playground_draws_under_its_policy(page: Page) -> None:
    problems = watch_console(page)
    open_playground(page)
    set_code(page, AUTOGRAD_BASICS)
    wait_for_graph(page)
    page.locator("#graph svg g.node").first.hover()
    assert "script-src 'self'" in page.request.get("/").headers["content-security-policy"]
    assert [p for p in problems if not p.endswith("/favicon.ico")] == []  # browsers ask for it unbidden


def test_api_docs_render_from_bundled_swagger_ui(page: Page) -> None:
    problems = watch_console(page)
    page.goto("/api/docs")
    expect(page.locator(".opblock").first).to_be_visible(timeout=30_000)
    expect(page.locator(".opblock-summary-path", has_text="/api/graph").first).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "api-docs.png"))
    assert problems == []
