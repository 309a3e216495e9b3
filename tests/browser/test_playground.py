"""End-to-end tests of the playground page in headless Chromium against the real service."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import torch
from playwright.sync_api import Page, expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.helpers import (
    AUTOGRAD_BASICS,
    START,
    graph_node_labels,
    link_to,
    node_named,
    op_chain,
    open_playground,
    set_code,
    sin_chain,
    wait_for_graph,
)

pytestmark = pytest.mark.browser

TWO_BACKWARD_CALLS = """a = torch.ones(2, requires_grad=True)
b = (a * 3).sum()
b.backward()
c = (a * a).sum()
c.backward()
"""


def test_typed_code_renders_named_nodes_with_gradients(page: Page) -> None:
    open_playground(page)
    set_code(page, AUTOGRAD_BASICS)
    wait_for_graph(page)
    for name in ("x", "y", "z", "out"):
        expect(node_named(page, name)).to_have_count(1)
    # x's gradient: d(mean(3 (x+2)^2))/dx = 4.5 everywhere, drawn in its node.
    expect(node_named(page, "x")).to_contain_text("4.5")
    expect(page.locator("#stdout")).to_contain_text("4.5000")
    expect(page.locator("#graph svg > title")).not_to_have_text("")


def test_hovering_a_node_shows_its_value_gradient_and_source_line(page: Page) -> None:
    open_playground(page)
    set_code(page, AUTOGRAD_BASICS)
    wait_for_graph(page)
    node_named(page, "x").hover()
    inspector = page.locator("#inspector")
    expect(inspector.locator("h3")).to_contain_text("x")
    expect(inspector.locator(".inspector-grad td")).to_have_count(4)
    expect(inspector.locator(".inspector-grad td").first).to_have_text("4.5000")
    expect(inspector).to_contain_text("float32")
    expect(page.locator("#editor .cm-linked-line")).to_contain_text("torch.ones(2, 2, requires_grad=True)")
    # Keyboard users reach nodes too: focusing the `out` node shows its grad_fn.
    node_named(page, "out").focus()
    expect(inspector).to_contain_text("MeanBackward0")


def test_forbidden_code_shows_the_error_at_its_line_and_keeps_the_old_graph_dimmed(page: Page) -> None:
    open_playground(page)
    wait_for_graph(page)
    # An import alone runs; the line that uses what gradtrace does not offer is the error.
    set_code(page, "x = torch.ones(2, requires_grad=True)\nimport os\nd = os.getcwd()\n")
    error = page.locator("#error")
    expect(error).to_be_visible(timeout=30_000)
    expect(error).to_contain_text("line 3")
    expect(page.locator("#editor .cm-error-line")).to_have_text("d = os.getcwd()")
    expect(page.locator("#graph svg")).to_have_count(1)
    expect(page.locator(".stale-note")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "playground-error.png"))


def test_a_permalink_reproduces_the_view_in_a_fresh_page(page: Page) -> None:
    open_playground(page)
    set_code(page, AUTOGRAD_BASICS)
    wait_for_graph(page)
    page.locator("#display-menu summary").click()
    page.select_option("#opt-direction", "LR")
    expect(page).to_have_url(re.compile(r"dir=LR"))
    wait_for_graph(page)
    labels = graph_node_labels(page)
    link = page.url
    typed = page.locator("#editor .cm-content").inner_text()
    fresh = page.context.browser.new_context(base_url=page.url).new_page()  # type: ignore[union-attr]
    open_playground(fresh, link)
    wait_for_graph(fresh)
    assert graph_node_labels(fresh) == labels
    assert fresh.locator("#editor .cm-content").inner_text() == typed
    expect(fresh.locator("#opt-direction")).to_have_value("LR")
    fresh.context.close()


def test_download_svg_gives_an_svg_file(page: Page, tmp_path: Path) -> None:
    open_playground(page)
    wait_for_graph(page)
    page.locator("#export-menu summary").click()
    with page.expect_download() as download_info:
        page.locator("#download-svg").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".svg")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert "<svg" in text and 'class="node' in text


def test_download_png_gives_a_png_image(page: Page, tmp_path: Path) -> None:
    open_playground(page)
    wait_for_graph(page)
    page.locator("#export-menu summary").click()
    with page.expect_download() as download_info:
        page.locator("#download-png").click()
    saved = tmp_path / "graph.png"
    download_info.value.save_as(saved)
    assert saved.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_switching_examples_draws_the_new_program_and_back_returns(page: Page) -> None:
    open_playground(page)
    wait_for_graph(page)
    first_labels = graph_node_labels(page)
    options = page.locator("#examples option").evaluate_all("(os) => os.map((o) => o.value).filter(Boolean)")
    assert len(options) >= 8
    page.select_option("#examples", "two-layer-network")
    expect(page.locator("#editor .cm-content")).to_contain_text("torch.nn.Linear(3, 4)")
    expect(page.locator("#graph g.node")).not_to_have_count(len(first_labels), timeout=30_000)
    wait_for_graph(page)
    expect(node_named(page, "loss")).to_have_count(1)
    page.go_back()
    expect(page.locator("#editor .cm-content")).to_contain_text("x = torch.ones(2, 2, requires_grad=True)")
    expect(page.locator("#examples")).to_have_value("autograd-basics")


def test_several_backward_calls_offer_a_graph_picker(page: Page) -> None:
    open_playground(page)
    set_code(page, TWO_BACKWARD_CALLS)
    wait_for_graph(page)
    picker = page.locator("#graph-picker")
    expect(picker).to_be_visible()
    expect(picker.locator("option")).to_have_count(2)
    expect(node_named(page, "b")).to_have_count(1)
    picker.select_option("1")
    expect(node_named(page, "c")).to_have_count(1)
    expect(node_named(page, "b")).to_have_count(0)


def test_free_names_appear_in_the_inputs_panel(page: Page) -> None:
    open_playground(page)
    set_code(page, "w = torch.ones(2, requires_grad=True)\nloss = (w * scale).sum()\nloss.backward()\n")
    wait_for_graph(page)
    field = page.locator("#inputs-form input[data-input-name='scale']")
    expect(field).to_be_visible()
    expect(page.locator("#warnings")).to_contain_text("scale")
    field.fill("3")
    # d(sum(w * 3))/dw = 3 for each element.
    expect(node_named(page, "w")).to_contain_text("3", timeout=30_000)
    expect(page).to_have_url(re.compile(r"inputs="))


def test_every_example_renders_without_an_error(page: Page) -> None:
    open_playground(page)
    slugs = page.locator("#examples option").evaluate_all("(os) => os.map((o) => o.value).filter(Boolean)")
    for slug in slugs:
        page.select_option("#examples", slug)
        expect(page.locator("body.is-busy")).to_have_count(0, timeout=30_000)
        expect(page.locator("#status")).to_contain_text("Rendered", timeout=30_000)
        expect(page.locator("#error")).to_be_hidden()
        assert page.locator("#graph g.node").count() > 0, slug


def test_embed_snippet_points_at_a_compact_image_url_that_renders(page: Page) -> None:
    open_playground(page)
    set_code(page, AUTOGRAD_BASICS)
    wait_for_graph(page)
    page.locator("#export-menu > summary").click()
    page.locator("#open-embed").click()
    expect(page.locator("#embed-html")).to_have_value(re.compile(r'src="[^"]+/svg/'))
    html = page.locator("#embed-html").input_value()
    match = re.search(r'src="([^"]+)"', html)
    assert match, html
    url = match.group(1).replace("&amp;", "&")
    assert "/svg/" in url and "code=" not in url  # the Kroki-style compressed form, not the raw code
    response = page.request.get(url)
    assert response.status == 200 and response.headers["content-type"].startswith("image/svg+xml")
    assert "MeanBackward0" in response.text()


TENSOR_START = "torch.linspace(-2, 2, 6).reshape(2, 3).requires_grad_()"
# The same starting tensors for PyTorch in this process as for the programs the page runs.
START_TENSORS: dict[str, Callable[[], torch.Tensor]] = {
    START: lambda: torch.tensor(0.5, requires_grad=True),
    TENSOR_START: lambda: torch.linspace(-2, 2, 6).reshape(2, 3).requires_grad_(),
}


def _chain_grads(op: str, steps: int, start: str = START) -> list[float]:
    """PyTorch's own gradient of every step of `op_chain(...)`, first step first: the number
    itself for a scalar, the mean absolute value for a tensor."""
    h = START_TENSORS[start]()
    outputs = []
    for _ in range(steps):
        h = getattr(torch, op)(h)
        h.retain_grad()
        outputs.append(h)
    h.sum().backward()  # type: ignore[no-untyped-call]
    grads = [out.grad for out in outputs if out.grad is not None]
    return [float(g) if g.dim() == 0 else float(g.abs().mean()) for g in grads]


def _significant(value: float) -> str:
    """The sparkline's number format: four significant digits, JavaScript's exponent form."""
    if value != 0 and not 1e-3 <= abs(value) < 1e6:
        mantissa, exponent = f"{value:.3e}".split("e")
        return f"{mantissa}e{int(exponent):+d}"
    return f"{value:.4g}"


def test_collapse_long_runs_checkbox_folds_and_unfolds_and_the_link_keeps_it(page: Page) -> None:
    # 60 steps + AccumulateGrad + x = 62 nodes; folded, steps 4..57 become one box: 62 - 54 + 1 = 9.
    open_playground(page, link_to(sin_chain(60)))
    wait_for_graph(page)
    expect(page.locator("#graph g.node")).to_have_count(9)
    expect(page.locator("#graph g.node.fold")).to_have_count(1)
    expect(page.locator("#graph-count")).to_have_text("62 nodes, 54 drawn folded")
    expect(page.locator("#legend")).to_contain_text("Folded run")
    page.locator("#display-menu summary").click()
    collapse = page.locator("#opt-collapse")
    expect(collapse).to_be_checked()
    collapse.uncheck()
    expect(page).to_have_url(re.compile(r"collapse=0"))
    expect(page.locator("#graph g.node")).to_have_count(62, timeout=30_000)
    expect(page.locator("#graph g.node.fold")).to_have_count(0)
    expect(page.locator("#graph-count")).to_have_text("62 nodes")
    expect(page.locator("#legend")).not_to_contain_text("Folded run")

    fresh = page.context.browser.new_context(base_url=page.url).new_page()  # type: ignore[union-attr]
    open_playground(fresh, page.url)
    wait_for_graph(fresh)
    expect(fresh.locator("#opt-collapse")).not_to_be_checked()
    expect(fresh.locator("#graph g.node")).to_have_count(62)
    fresh.context.close()

    collapse.check()
    expect(page.locator("#graph g.node")).to_have_count(9, timeout=30_000)
    assert "collapse=" not in page.url  # the default is left out of links


def test_the_embed_url_draws_every_step_when_collapsing_is_off(page: Page) -> None:
    open_playground(page, link_to(sin_chain(30), collapse="0"))
    wait_for_graph(page)
    page.locator("#export-menu > summary").click()
    page.locator("#open-embed").click()
    # The compact embed URL is made asynchronously (the browser deflates the source): wait for it.
    embed = page.locator("#embed-html")
    expect(embed).to_have_value(re.compile(r'src="[^"]*collapse=false'), timeout=30_000)
    match = re.search(r'src="([^"]+)"', embed.input_value())
    assert match
    url = match.group(1).replace("&amp;", "&")
    answer = page.request.get(url, timeout=60_000)
    drawn = answer.text()
    assert answer.status == 200, drawn[:500]
    assert "fold_" not in drawn and drawn.count('class="node') == 32


def test_a_fold_opens_in_the_inspector_with_its_run_and_gradient_sparkline(page: Page) -> None:
    open_playground(page, link_to(sin_chain(60)))
    wait_for_graph(page)
    page.locator("#graph g.node.fold").click()
    inspector = page.locator("#inspector")
    expect(inspector.locator("h3")).to_contain_text("h")
    expect(inspector.locator("h3")).to_contain_text("folded run")
    expect(inspector.locator(".fold-summary")).to_have_text("54 SinBackward0 steps drawn as this one box.")
    expect(page.locator("#editor .cm-linked-line")).to_contain_text("h = torch.sin(h)")
    # The fold holds steps 4..57 (index 3..56); PyTorch says what their gradients are.
    grads = _chain_grads("sin", 60)[3:57]
    sparkline = inspector.locator("svg.sparkline-svg[role=img]")
    ends = f"from {_significant(grads[0])} at the first step to {_significant(grads[-1])} at the last"
    expect(sparkline).to_have_attribute("aria-label", re.compile(re.escape(ends)))
    points = sparkline.locator("polyline").get_attribute("points") or ""
    assert len(points.split()) == 54
    expect(inspector.locator(".fold-ends .inspector-grad").first).to_contain_text(f"{grads[0]:.4f}")
    expect(inspector.locator(".fold-ends .inspector-grad").last).to_contain_text(f"{grads[-1]:.4f}")
    # 0.1 to 0.94 is within two decades: a linear scale, and no vanishing-gradient sentence.
    expect(inspector.locator(".sparkline-caption")).not_to_contain_text("log scale")

    # On its way to the button the pointer crosses other nodes: the clicked fold stays shown.
    page.locator("#graph g.node").last.hover()
    expect(inspector.locator(".fold-summary")).to_be_visible()
    inspector.get_by_role("button", name="Draw every step").click()
    expect(page.locator("#graph g.node")).to_have_count(62, timeout=30_000)
    expect(page).to_have_url(re.compile(r"collapse=0"))
    page.locator("#display-menu summary").click()
    expect(page.locator("#opt-collapse")).not_to_be_checked()


@pytest.mark.parametrize(
    ("op", "steps", "start", "caption", "lesson"),
    [
        # sin shrinks the gradient ~513x over 994 steps: a vanishing gradient, on a log scale.
        ("sin", 1000, START, "gradient along the 994 folded steps · log scale", "shrink"),
        # cos flips the sign at every step: the size of the gradient is what is plotted.
        ("cos", 40, START, "|gradient| along the 34 folded steps · log scale", "shrink"),
        # 0.1 to 0.94 is within two decades: a linear scale, and no sentence about it.
        ("sin", 60, START, "gradient along the 54 folded steps", None),
        # A tensor's steps are plotted as their mean |gradient|.
        ("tanh", 40, TENSOR_START, "mean |gradient| along the 34 folded steps", None),
    ],
)
def test_a_folds_sparkline_follows_pytorchs_gradients(
    page: Page, op: str, steps: int, start: str, caption: str, lesson: str | None
) -> None:
    open_playground(page, link_to(op_chain(op, steps, start, root="h" if start == START else "h.sum()")))
    wait_for_graph(page)
    page.locator("#graph g.node.fold").focus()  # keyboard users reach the fold like any node
    inspector = page.locator("#inspector")
    expect(inspector.locator(".sparkline-caption")).to_have_text(caption)
    folded = _chain_grads(op, steps, start)[3:-3]
    expect(inspector.locator("svg.sparkline-svg polyline")).to_have_attribute(
        "points", re.compile(rf"^(\S+ ){{{len(folded) - 1}}}\S+$")
    )
    sizes = [abs(g) for g in folded]
    expect(inspector.locator(".sparkline-y")).to_have_text(_significant(max(sizes)) + _significant(min(sizes)))
    if lesson is None:
        expect(inspector.locator(".sparkline-lesson")).to_have_count(0)
    else:
        factor = round(sizes[-1] / sizes[0])
        expect(inspector.locator(".sparkline-lesson")).to_contain_text(f"{lesson} {factor:,}-fold")
        expect(inspector.locator(".sparkline-lesson")).to_contain_text("vanishing gradient")


def test_a_fold_is_named_and_counted_for_every_reader(page: Page) -> None:
    open_playground(page, link_to(sin_chain(1000)))
    wait_for_graph(page)
    expect(page.locator("#graph-count")).to_have_text("1,002 nodes, 994 drawn folded")
    fold = page.locator("#graph g.node.fold")
    expect(fold).to_have_attribute("aria-label", "h, SinBackward0 ×994, folded run, shape scalar")
    expect(fold).to_have_attribute("tabindex", "0")
