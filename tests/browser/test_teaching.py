"""The playground teaches the mechanism: readable text at fit, the forward-then-backward stepper, the
chain-rule inspector, the gradient ramp and folded chains, with screenshots in both themes and sizes."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.helpers import AUTOGRAD_BASICS, link_to, node_named, open_playground, wait_for_graph

pytestmark = pytest.mark.browser

SIZES = {"desktop": (1280, 800), "phone": (390, 844)}

# Fifteen drawn nodes: two leaves and their AccumulateGrads, eleven ops in a branching graph.
FIFTEEN_NODES = """import torch
a = torch.tensor([1.0, 2.0], requires_grad=True)
b = torch.tensor([0.5, -1.0], requires_grad=True)
c = a * b
d = c + a
e = torch.sin(d)
f = e * b
g = f.exp()
h = g + c
k = torch.tanh(h)
m = k * a
out = m.sum()
out.backward()
"""

SIGMOID_STACK = """import torch
x = torch.tensor(1.0, requires_grad=True)
h1 = torch.sigmoid(x)
h2 = torch.sigmoid(h1)
h3 = torch.sigmoid(h2)
h4 = torch.sigmoid(h3)
h5 = torch.sigmoid(h4)
h5.backward()
"""

SIGMOID_CHAIN = (
    "x = torch.tensor(0.5, requires_grad=True)\nh = x\nfor i in range(1000):\n"
    "    h = torch.sigmoid(h * 1.01 + 0.1)\nh.backward()\n"
)

SMALLEST_TEXT_JS = """() => Math.min(...[...document.querySelectorAll('#graph g.node:not(.legend) text')]
  .map((t) => Number.parseFloat(t.getAttribute('font-size')) * t.getScreenCTM().a))"""


def _smallest_text_when(page: Page, settled: Callable[[float], bool], seconds: float = 10) -> float:
    """The smallest node text in CSS px, polled until `settled` holds or the time is up: panzoom
    applies a new zoom on the next animation frame, not at once."""
    deadline = time.monotonic() + seconds
    while not settled(smallest := float(page.evaluate(SMALLEST_TEXT_JS))) and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    return smallest


def _api_graph(page: Page, code: str) -> dict[str, Any]:
    """The graph the API answers for `code`: what the page is checked against."""
    response = page.request.post("/api/graph", data={"code": code})
    assert response.ok, response.text()
    graph: dict[str, Any] = response.json()["graphs"][0]
    return graph


def _context_page(browser: Browser, base_url: str, scheme: str, size: str) -> Page:
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
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the {size} screen"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=size == "phone")


@pytest.mark.parametrize("code", [AUTOGRAD_BASICS, FIFTEEN_NODES], ids=["tutorial", "fifteen-nodes"])
def test_fitted_graph_text_is_at_least_11_css_pixels_at_1280x800(page: Page, code: str) -> None:
    open_playground(page, link_to(code))
    wait_for_graph(page)
    drawn = page.locator("#graph g.node:not(.legend)").count()
    assert drawn <= 15
    # The page fits each new graph itself (panzoom applies it on the next animation frame).
    smallest = _smallest_text_when(page, lambda px: px >= 11)
    assert smallest >= 11, f"smallest node text is {smallest:.1f} CSS px after fit"


def test_fit_shows_a_tall_small_graph_readable_first_then_whole(page: Page) -> None:
    open_playground(page, link_to("import torch\n" + SIGMOID_CHAIN))
    wait_for_graph(page)
    stage = page.locator(".graph-stage").bounding_box()
    assert stage
    fit = page.locator("#zoom-fit")
    expect(fit).to_have_attribute("aria-pressed", "false")
    assert _smallest_text_when(page, lambda px: px >= 11) >= 11
    fit.click()
    expect(fit).to_have_attribute("aria-pressed", "true")
    assert _smallest_text_when(page, lambda px: px < 11) < 11  # the whole graph: smaller text
    drawing = page.locator("#graph .gt-viewport").bounding_box()
    assert drawing and drawing["height"] <= stage["height"]
    fit.click()
    expect(fit).to_have_attribute("aria-pressed", "false")
    assert _smallest_text_when(page, lambda px: px >= 11) >= 11


def test_the_tutorial_graph_fits_whole_with_readable_text(page: Page) -> None:
    open_playground(page, link_to(AUTOGRAD_BASICS))
    wait_for_graph(page)
    assert _smallest_text_when(page, lambda px: px >= 11) >= 11
    stage = page.locator(".graph-stage").bounding_box()
    drawing = page.locator("#graph .gt-viewport").bounding_box()
    assert stage and drawing
    # Most of the pane: the stage is taller than the 405 px it had when the inspector and legend sat below it.
    assert stage["height"] >= 480
    assert drawing["y"] >= stage["y"] and drawing["y"] + drawing["height"] <= stage["y"] + stage["height"] + 1


def test_a_4x4_tensor_shows_all_16_numbers_in_the_inspector(page: Page) -> None:
    code = "import torch\nA = torch.arange(16.0).reshape(4, 4).requires_grad_()\nout = (A * A).sum()\nout.backward()\n"
    open_playground(page, link_to(code))
    wait_for_graph(page)
    node_named(page, "A").click()
    inspector = page.locator("#inspector")
    expect(inspector.locator(".inspector-value td")).to_have_count(16)
    expect(inspector.locator(".inspector-grad td")).to_have_count(16)
    expect(inspector.locator(".inspector-grad td").last).to_have_text("30.0000")
    # The box itself summarises: first and last rows with ⋮ between.
    expect(node_named(page, "A").locator("text", has_text="⋮").first).to_be_attached()


def test_the_legend_says_arrows_point_forward_and_gradients_flow_back(page: Page) -> None:
    open_playground(page)
    wait_for_graph(page)
    legend = page.locator(".legend")
    expect(legend).to_contain_text("Arrows point forward")
    expect(legend).to_contain_text("back against the arrows")
    expect(legend).not_to_contain_text("from a result back to what it was computed from")


def _visible_value_ids(page: Page) -> set[str]:
    ids: list[str] = page.locator("#graph g.node").evaluate_all(
        """(nodes) => nodes.filter((n) => [...n.querySelectorAll('text')].some(
             (t) => /^value/.test(t.textContent) && getComputedStyle(t).visibility !== 'hidden')).map((n) => n.id)"""
    )
    return set(ids)


def _visible_grad_ids(page: Page) -> set[str]:
    ids: list[str] = page.locator("#graph g.node").evaluate_all(
        """(nodes) => nodes.filter((n) => [...n.querySelectorAll('text')].some(
             (t) => /^grad/.test(t.textContent) && getComputedStyle(t).visibility !== 'hidden')).map((n) => n.id)"""
    )
    return set(ids)


def test_the_stepper_walks_the_tutorial_forward_then_backward(page: Page) -> None:
    open_playground(page, link_to(AUTOGRAD_BASICS))
    wait_for_graph(page)
    graph = _api_graph(page, AUTOGRAD_BASICS)
    forward, backward = graph["steps"]["forward"], graph["steps"]["backward"]
    assert forward >= 4 and backward >= 4
    nodes = graph["nodes"]
    with_values = {n["id"] for n in nodes if n["value"] is not None}
    expect(page.locator("#stepper")).to_be_visible()
    page.locator("#graph").click(position={"x": 5, "y": 5})  # focus the page, not the editor
    page.keyboard.press("ArrowRight")
    expect(page.locator("#step-label")).to_contain_text("Before the forward pass")
    assert _visible_value_ids(page) == set()
    for k in range(1, forward + 1):
        page.keyboard.press("ArrowRight")
        expect(page.locator("#step-label")).to_contain_text(f"Forward {k}/{forward}")
        ran = {n["id"] for n in nodes if (n["forward_step"] or 0) <= k} & with_values
        assert _visible_value_ids(page) == ran, f"forward step {k}"
        assert _visible_grad_ids(page) == set()
        # A leaf and its AccumulateGrad share a step: the step shows the leaf being made.
        runs = sorted(
            (n for n in nodes if n["forward_step"] == k and n["line"]), key=lambda n: n["op"] == "AccumulateGrad"
        )
        if runs:  # the line that ran is highlighted in the editor
            line = runs[0]["line"]
            expect(page.locator("#editor .cm-linked-line")).to_have_count(1)
            assert page.locator("#editor .cm-linked-line").text_content() == AUTOGRAD_BASICS.splitlines()[line - 1]
    badges: list[int] = []
    for j in range(1, backward + 1):
        page.locator("#step-next").click()
        expect(page.locator("#step-label")).to_contain_text(f"Backward {j}/{backward}")
        numbers = page.locator("#graph .gt-step-badge text").all_text_contents()
        badges = sorted(int(n) for n in numbers)
        assert badges and max(badges) == j, f"backward step {j}: badges {badges}"
        executed = next(n for n in nodes if n["backward_step"] == j and n["kind"] == "op")
        expect(page.locator(f'#graph g.node.gt-current[id="{executed["id"]}"]')).to_have_count(1)
    # The end of the walk: every gradient the API sent is drawn, values too.
    with_grads = {n["id"] for n in nodes if n["grad"] is not None}
    assert _visible_grad_ids(page) == with_grads
    assert _visible_value_ids(page) == with_values
    # And back again with the scrubber: step 0 hides everything.
    page.locator("#step-scrub").fill("0")
    expect(page.locator("#step-label")).to_contain_text("Before the forward pass")
    assert _visible_grad_ids(page) == set()


def test_the_chain_rule_inspector_shows_y_used_twice_as_a_sum(page: Page) -> None:
    open_playground(page, link_to(AUTOGRAD_BASICS))
    wait_for_graph(page)
    node_named(page, "y").click()
    chain = page.locator("#inspector .chain-rule")
    expect(chain).to_contain_text("y is used 2 times")
    # 4.5 = 2.25 + 2.25: y's gradient, then one term per use of y in y * y.
    expect(chain.locator(".chain-sum > .chain-term")).to_have_count(3)
    expect(chain).to_contain_text("4.5000 = 2.2500 + 2.2500")
    expect(chain.locator(".chain-sum .chain-term").nth(1).locator("td").first).to_have_text("2.2500")
    # What y (AddBackward0) sends back to x's AccumulateGrad: grad in = grad out × local.
    edge = chain.locator(".chain-edge").first
    expect(edge).to_contain_text("grad in")
    expect(edge).to_contain_text("grad out")
    expect(edge.locator(".chain-local")).to_contain_text("×1")
    # The AccumulateGrad it sends to is named by its leaf, as the learner wrote it: ∂y/∂x.
    expect(edge.locator(".chain-to")).to_have_text("to x")
    expect(edge).to_contain_text("∂y/∂x")


def test_the_chain_rule_of_a_scalar_used_twice_reads_as_numbers(page: Page) -> None:
    code = "import torch\nw = torch.tensor(0.5, requires_grad=True)\nout = w * 3 + w\nout.backward()\n"
    open_playground(page, link_to(code))
    wait_for_graph(page)
    node_named(page, "w").click()
    # Through the AccumulateGrad, w's gradient 4 = 3 + 1 shows on its AccumulateGrad's inputs.
    graph = _api_graph(page, code)
    accumulate = next(n for n in graph["nodes"] if n["op"] == "AccumulateGrad")
    page.locator(f'#graph g.node[id="{accumulate["id"]}"]').click()
    uses = [edge["grad"] for edge in graph["edges"] if edge["source"] == accumulate["id"]]
    assert sorted(uses) == [1.0, 3.0]
    sum_text = "4.0000 = " + " + ".join(f"{grad:.4f}" for grad in uses)
    expect(page.locator("#inspector .chain-rule")).to_contain_text(sum_text)
    expect(page.locator("#inspector .chain-rule")).to_contain_text("adds this gradient into w.grad")


@pytest.mark.parametrize(
    ("scheme", "size"), [("light", "desktop"), ("dark", "desktop"), ("light", "phone"), ("dark", "phone")]
)
def test_screenshot_of_the_stepper_and_the_chain_rule(browser: Browser, base_url: str, scheme: str, size: str) -> None:
    page = _context_page(browser, base_url, scheme, size)
    open_playground(page, link_to(AUTOGRAD_BASICS))
    wait_for_graph(page)
    graph = _api_graph(page, AUTOGRAD_BASICS)
    mid_backward = graph["steps"]["forward"] + 3
    page.locator("#step-scrub").fill(str(mid_backward))
    expect(page.locator("#step-label")).to_contain_text("Backward 3/")
    _save(page, f"teach-stepper-{scheme}-{size}.png", size)
    page.locator("#step-last").click()
    node = node_named(page, "y")
    if size == "phone":
        node.tap()
    else:
        node.click()
    expect(page.locator("#inspector .chain-rule")).to_contain_text("y is used 2 times")
    _save(page, f"teach-chain-rule-{scheme}-{size}.png", size)
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshot_of_the_gradient_ramp_on_a_sigmoid_stack(browser: Browser, base_url: str, scheme: str) -> None:
    page = _context_page(browser, base_url, scheme, "desktop")
    open_playground(page, link_to(SIGMOID_STACK, color="grad"))
    wait_for_graph(page)
    expect(page.locator("#graph g.node.legend")).to_have_count(1)
    expect(page.locator("#legend")).to_contain_text("gradient size")
    page.locator("#display-menu summary").click()
    expect(page.locator("#opt-color-grad")).to_be_checked()
    page.locator("#display-menu summary").click()
    node_named(page, "x").click()
    _save(page, f"teach-ramp-{scheme}-desktop.png", "desktop")
    page.context.close()


@pytest.mark.parametrize(("scheme", "size"), [("light", "desktop"), ("dark", "phone")])
def test_screenshot_of_a_folded_sigmoid_chain_and_its_inspector(
    browser: Browser, base_url: str, scheme: str, size: str
) -> None:
    page = _context_page(browser, base_url, scheme, size)
    open_playground(page, link_to("import torch\n" + SIGMOID_CHAIN))
    wait_for_graph(page)
    # At a readable size the chain is taller than the stage; Fit's second press shows all of it.
    page.locator("#zoom-fit").click()
    expect(page.locator("#zoom-fit")).to_have_attribute("aria-pressed", "true")
    fold = page.locator("#graph g.node.fold")
    if size == "phone":
        fold.tap()
    else:
        fold.click()
    inspector = page.locator("#inspector")
    expect(inspector.locator("h3")).to_contain_text("folded run")
    expect(inspector.locator("h3")).to_contain_text("h")
    expect(inspector.locator(".fold-summary")).to_contain_text("997 repetitions of a block of 3 ops")
    expect(inspector.locator(".fold-summary")).to_contain_text("MulBackward0 → AddBackward0 → SigmoidBackward0")
    # One point per repetition: the sparkline's x axis ends at the last of the 997.
    expect(inspector.locator(".sparkline-x")).to_contain_text("997")
    expect(inspector.locator("svg.sparkline-svg")).to_be_visible()
    _save(page, f"teach-fold-{scheme}-{size}.png", size)
    page.context.close()


WRONG_SQUARE = """import torch


class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * x  # wrong on purpose: the derivative of x * x is 2 * x


x = torch.tensor([1.0, 2.0], requires_grad=True)
out = Square.apply(x).sum()
out.backward()
"""


def test_the_inspector_shows_the_gradient_check_of_a_leaf(page: Page) -> None:
    open_playground(page, link_to(AUTOGRAD_BASICS))
    wait_for_graph(page)
    node_named(page, "x").click()
    check = page.locator("#inspector .gradcheck")
    expect(check).to_have_class("gradcheck gradcheck-ok")
    expect(check).to_contain_text("✓ gradient check passed")
    expect(check).to_contain_text("over 4 elements")


def test_the_inspector_flags_a_wrong_hand_written_backward(page: Page) -> None:
    open_playground(page, link_to(WRONG_SQUARE))
    wait_for_graph(page)
    node_named(page, "x").click()
    check = page.locator("#inspector .gradcheck")
    expect(check).to_have_class("gradcheck gradcheck-bad")
    expect(check).to_contain_text("✗ gradient check failed")
    # autograd says x (1, 2); finite differences say 2x (2, 4): relative error 0.5.
    expect(check).to_contain_text("largest relative error 0.50")


def test_display_options_reach_the_drawing_the_link_and_the_embed_url(page: Page) -> None:
    open_playground(page, link_to(AUTOGRAD_BASICS))
    wait_for_graph(page)
    # Automatic edge labels are on for the tutorial: the chain rule is drawn on its edges.
    expect(page.locator("#graph g.edge text").first).to_be_attached()
    page.locator("#display-menu summary").click()
    page.locator("#opt-edge-labels").select_option("off")
    expect(page.locator("#graph g.edge text")).to_have_count(0, timeout=30_000)
    page.locator("#opt-gradcheck").check()
    expect(node_named(page, "x").locator("text", has_text="✓")).to_have_count(1, timeout=30_000)
    assert "edges=off" in page.url and "gradcheck=1" in page.url
    page.locator("#display-menu summary").click()
    # The stepper's place goes into the embed URL, so a slide can show that step.
    page.locator("#step-first").click()
    page.locator("#step-next").click()
    expect(page.locator("#step-label")).to_contain_text("Forward 1/")
    page.locator("#export-menu summary").click()
    page.locator("#open-embed").click()
    embed = page.locator("#embed-html")
    expect(embed).to_have_value(re.compile(r"step=1\b"))
    expect(embed).to_have_value(re.compile(r"edge_labels=false"))
    expect(embed).to_have_value(re.compile(r"gradcheck=true"))


def _highlighted_expression(page: Page) -> str:
    """The source text marked as the inspected node's sub-expression (CodeMirror splits it by token)."""
    return "".join(page.locator("#editor .cm-linked-span").all_text_contents())


def test_the_inspected_node_highlights_its_sub_expression(page: Page) -> None:
    open_playground(page, link_to(AUTOGRAD_BASICS))
    wait_for_graph(page)
    graph = _api_graph(page, AUTOGRAD_BASICS)
    inner = next(n for n in graph["nodes"] if n["op"] == "MulBackward0" and n["name"] is None)
    page.locator(f'#graph g.node[id="{inner["id"]}"]').click()
    expect(page.locator("#editor .cm-linked-span").first).to_be_visible()
    assert _highlighted_expression(page) == "y * y"
    node_named(page, "z").click()
    expect(page.locator("#editor .cm-linked-line")).to_have_text("z = y * y * 3")
    assert _highlighted_expression(page) == "y * y * 3"
    # The stepper highlights the sub-expression of the op that runs at each forward step.
    page.locator("#step-scrub").fill(str(inner["forward_step"]))
    expect(page.locator("#step-label")).to_contain_text(f"Forward {inner['forward_step']}/")
    assert _highlighted_expression(page) == "y * y"


def test_a_new_option_keeps_the_stepper_place_and_an_edit_ends_the_walk(page: Page) -> None:
    open_playground(page, link_to(AUTOGRAD_BASICS))
    wait_for_graph(page)
    page.locator("#step-first").click()
    page.locator("#step-next").click()
    expect(page.locator("#step-label")).to_contain_text("Forward 1/")
    page.locator("#display-menu summary").click()
    page.locator("#opt-precision").fill("3")
    with page.expect_response("**/api/graph"):
        page.locator("#opt-precision").press("Enter")
    expect(page.locator("body.is-busy")).to_have_count(0)
    expect(page.locator("#step-label")).to_contain_text("Forward 1/")
    expect(page.locator("#graph g.node.gt-not-run").first).to_be_attached()
    page.locator("#display-menu summary").click()
    content = page.locator("#editor .cm-content")
    content.click()
    page.keyboard.press("ControlOrMeta+End")
    page.keyboard.type("\n# an edit")
    expect(page.locator("#step-label")).to_contain_text("Step through", timeout=30_000)
    expect(page.locator("#graph .gt-step-badge")).to_have_count(0)
    expect(page.locator("#graph g.node.gt-not-run")).to_have_count(0)
