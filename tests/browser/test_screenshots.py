"""Screenshots of the playground in both themes at desktop and phone sizes (tests/screenshots/)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.helpers import link_to, node_named, open_playground, sin_chain, wait_for_graph

pytestmark = pytest.mark.browser

SIZES = {"desktop": (1280, 800), "phone": (390, 844)}


def _page(browser: Browser, base_url: str, scheme: str, size: str) -> Page:
    width, height = SIZES[size]
    context = browser.new_context(
        base_url=base_url,
        viewport={"width": width, "height": height},
        color_scheme=scheme,  # type: ignore[arg-type]
        device_scale_factor=1 if size == "desktop" else 2,
        is_mobile=size == "phone",
        has_touch=size == "phone",
    )
    return context.new_page()


def _save(page: Page, name: str, size: str) -> None:
    # Nothing may stick out sideways on a phone: the page scrolls only vertically.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the {size} screen"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=size == "phone")
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", list(SIZES))
def test_screenshot(browser: Browser, base_url: str, scheme: str, size: str) -> None:
    page = _page(browser, base_url, scheme, size)
    open_playground(page)
    wait_for_graph(page)
    expect(page.locator("html")).to_have_attribute("data-theme", scheme)
    node = node_named(page, "x")
    if size == "phone":
        node.tap()
    else:
        node.hover()
    expect(page.locator("#inspector h3")).to_contain_text("x")
    _save(page, f"playground-{scheme}-{size}.png", size)


@pytest.mark.parametrize(("scheme", "size"), [("light", "desktop"), ("dark", "desktop"), ("light", "phone")])
def test_screenshot_of_a_folded_run_in_the_inspector(browser: Browser, base_url: str, scheme: str, size: str) -> None:
    page = _page(browser, base_url, scheme, size)
    open_playground(page, link_to(sin_chain(1000)))
    wait_for_graph(page)
    fold = page.locator("#graph g.node.fold")
    if size == "phone":
        fold.tap()
    else:
        fold.click()
    expect(page.locator("#inspector .sparkline-lesson")).to_contain_text("vanishing gradient")
    _save(page, f"playground-fold-{scheme}-{size}.png", size)
