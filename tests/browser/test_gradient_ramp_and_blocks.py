"""In the playground: the vanishing-gradient example coloured by gradient size (its legend in the
drawing), and a 1,000-step sigmoid chain folded as one repeated block with its inspector.
Screenshots in both themes go to tests/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.helpers import link_to, open_playground, wait_for_graph

pytestmark = pytest.mark.browser

SIGMOID_CHAIN = (
    "x = torch.tensor(0.5, requires_grad=True)\nh = x\nfor i in range(1000):\n"
    "    h = torch.sigmoid(h * 1.01 + 0.1)\nh.backward()\n"
)
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}


def themed_page(browser: Browser, base_url: str, scheme: str, size: str = "desktop") -> Page:
    width, height = SIZES[size]
    context = browser.new_context(
        base_url=base_url,
        viewport={"width": width, "height": height},
        color_scheme=scheme,  # type: ignore[arg-type]
        is_mobile=size == "phone",
        has_touch=size == "phone",
    )
    return context.new_page()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_vanishing_gradient_example_is_coloured_by_gradient_size(
    browser: Browser, base_url: str, scheme: str
) -> None:
    page = themed_page(browser, base_url, scheme)
    open_playground(page)
    wait_for_graph(page)
    page.select_option("#examples", "vanishing-gradients")
    # The example turns the option on: ten stack nodes and the leaves are filled from the ramp.
    expect(page.locator("#graph g.node.ramp")).to_have_count(15, timeout=30_000)
    legend = page.locator("#graph g#gradient_ramp")
    expect(legend).to_contain_text("mean |grad|, log scale")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#graph").screenshot(path=str(SCREENSHOTS / f"gradient-ramp-{scheme}.png"))
    page.locator("#display-menu summary").click()
    expect(page.locator("#opt-color-grad")).to_be_checked()
    # The sigmoid side is darker than the ReLU side: the first sigmoid's fill differs from any relu's.
    fills = page.locator("#graph g.node.ramp > path").evaluate_all("(ps) => ps.map((p) => p.getAttribute('fill'))")
    assert len(set(fills)) >= 5
    # Another example turns it off again.
    page.select_option("#examples", "chain-rule")
    expect(page.locator("#graph g#gradient_ramp")).to_have_count(0, timeout=30_000)
    page.context.close()


@pytest.mark.parametrize(("scheme", "size"), [("light", "desktop"), ("dark", "desktop"), ("light", "phone")])
def test_a_folded_sigmoid_chain_and_its_inspector(browser: Browser, base_url: str, scheme: str, size: str) -> None:
    page = themed_page(browser, base_url, scheme, size)
    open_playground(page, link_to(SIGMOID_CHAIN))
    wait_for_graph(page)
    fold = page.locator("#graph g.node.fold")
    expect(fold).to_have_count(1)
    expect(fold).to_contain_text("3 ops ×997")
    expect(fold).to_contain_text("MulBackward0 → AddBackward0 → SigmoidBackward0")
    fold.focus()  # focus shows a node in the inspector, as hovering or tapping does
    inspector = page.locator("#inspector")
    expect(inspector.locator(".fold-summary")).to_contain_text("997 repetitions")
    expect(inspector.locator(".sparkline-svg polyline")).to_have_count(1)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"sigmoid-chain-fold-{scheme}-{size}.png"), full_page=size == "phone")
    page.context.close()
