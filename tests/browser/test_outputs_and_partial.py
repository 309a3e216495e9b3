"""The playground shows bare expression lines as a notebook does, and draws what ran before a
runtime error next to the error."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.helpers import node_named, open_playground, set_code, wait_for_graph

pytestmark = pytest.mark.browser

CELLS = """x = torch.ones(2, requires_grad=True)
x
out = (x * 3).sum()
print("printed")
out.backward()
x.grad
"""

FAILS_ON_LINE_5 = """x = torch.ones(3, requires_grad=True)
y = (x * 2).sum()
y.backward()
y
z = torch.ones(2) + x
"""


def test_bare_expressions_show_their_values_with_their_lines_among_printed_text(page: Page) -> None:
    open_playground(page)
    set_code(page, CELLS)
    wait_for_graph(page)
    stdout = page.locator("#stdout")
    expect(stdout).to_have_text(
        "[line 2] tensor([1., 1.], requires_grad=True)\nprinted\n[line 6] tensor([3., 3.])\n", timeout=30_000
    )
    expect(stdout.locator(".echo")).to_have_count(2)
    expect(stdout.locator(".echo .echo-line").first).to_have_text("[line 2] ")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "playground-outputs.png"))


def test_runtime_error_draws_what_ran_before_its_line(page: Page) -> None:
    open_playground(page)
    wait_for_graph(page)
    set_code(page, FAILS_ON_LINE_5)
    error = page.locator("#error")
    expect(error).to_be_visible(timeout=30_000)
    expect(error).to_contain_text("line 5")
    expect(error).to_contain_text("must match the size")
    expect(page.locator("#editor .cm-error-line")).to_have_text("z = torch.ones(2) + x")
    # The graph on screen is the failing program's own (lines 1-3), not the last one that worked.
    expect(node_named(page, "x")).to_have_count(1)
    expect(node_named(page, "y")).to_have_count(1)
    expect(node_named(page, "x")).to_contain_text("2")
    expect(page.locator(".partial-note")).to_be_visible()
    expect(page.locator(".stale-note")).to_be_hidden()
    assert page.locator("#graph").evaluate("el => getComputedStyle(el).opacity") == "1"
    expect(page.locator("#stdout")).to_have_text("[line 4] tensor(6., grad_fn=<SumBackward0>)\n")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "playground-partial.png"))
